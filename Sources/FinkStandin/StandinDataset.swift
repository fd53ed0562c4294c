import FinkExport
import Foundation

/// A seeded, realistic Fink dataset: objects with light curves of tens to thousands of alerts,
/// every catalogue column, missing values, feature strings in every known shape, unicode and
/// punctuation in strings, and ids above 2^53.
///
/// Rows are computed on demand from `(seed, object, alert)`, so a dataset of millions of
/// rows costs only its alert times in memory, and the same seed gives the same rows anywhere.
public struct StandinDataset: Sendable {
    /// What to generate.
    public struct Configuration: Sendable, Equatable {
        /// The seed.
        public var seed: UInt64
        /// How many objects.
        public var objectCount: Int
        /// The fewest alerts an object has.
        public var minimumAlerts: Int
        /// The most alerts an object has.
        public var maximumAlerts: Int

        /// Creates a configuration; the defaults make the `--sample` dataset.
        public init(seed: UInt64 = 20_230_125, objectCount: Int = 40, minimumAlerts: Int = 10, maximumAlerts: Int = 2000) {
            self.seed = seed
            self.objectCount = objectCount
            self.minimumAlerts = minimumAlerts
            self.maximumAlerts = maximumAlerts
        }
    }

    /// One object and the times of its alerts.
    public struct ObjectInfo: Sendable {
        /// `ZTF…` id.
        public let id: String
        /// Alert times (JD, as served), ascending.
        public let alertJDs: [Double]
        /// Indices of the alerts in the anomaly table.
        public let anomalousAlerts: [Int]
        /// Only one band observed (g or r), so the other band's features are absent.
        public let singleBand: Int?
        let ra: Double
        let dec: Double
    }

    /// An entry of the anomaly table.
    public struct AnomalyEntry: Sendable, Equatable {
        /// The alert time.
        public let jd: Double
        /// The object's index.
        public let object: Int
        /// The alert's index within the object.
        public let alert: Int
    }

    /// What generates a column's values, decided once per column rather than per cell.
    enum ColumnRole: Sendable {
        case objectId
        case candid
        case jd
        case fid
        case ra
        case dec
        case jdstarthist
        case ndethist
        case isdiffpos
        case ssnamenr
        case programpi
        case pdiffimfilename
        case anomalyScore
        case cdsxmatch
        case dr3Name
        case tns
        case tracklet
        case roid
        case nalerthist
        case lcFeaturesG
        case lcFeaturesR
        case spicyId
        case mangroveNumber
        case mangroveName
        case classification
        case lastdate
        case firstdate
        case lapse
        case constellation
        case blazarStats
        case generic
    }

    static let namedRoles: [String: ColumnRole] = [
        "i:objectId": .objectId,
        "i:candid": .candid,
        "i:jd": .jd,
        "i:fid": .fid,
        "i:ra": .ra,
        "i:dec": .dec,
        "i:jdstarthist": .jdstarthist,
        "i:ndethist": .ndethist,
        "i:isdiffpos": .isdiffpos,
        "i:ssnamenr": .ssnamenr,
        "i:programpi": .programpi,
        "i:pdiffimfilename": .pdiffimfilename,
        "d:anomaly_score": .anomalyScore,
        "d:cdsxmatch": .cdsxmatch,
        "d:DR3Name": .dr3Name,
        "d:tns": .tns,
        "d:tracklet": .tracklet,
        "d:roid": .roid,
        "d:nalerthist": .nalerthist,
        "d:lc_features_g": .lcFeaturesG,
        "d:lc_features_r": .lcFeaturesR,
        "d:spicy_id": .spicyId,
        "d:mangrove_lum_dist": .mangroveNumber,
        "d:mangrove_ang_dist": .mangroveNumber,
        "d:mangrove_HyperLEDA_name": .mangroveName,
        "d:mangrove_2MASS_name": .mangroveName,
        "v:classification": .classification,
        "v:lastdate": .lastdate,
        "v:firstdate": .firstdate,
        "v:lapse": .lapse,
        "v:constellation": .constellation,
    ]

    private let roles: [ColumnRole]
    /// The value range of each generic numeric column.
    private let genericRanges: [ClosedRange<Double>]

    /// The configuration used.
    public let configuration: Configuration
    /// The objects, by index.
    public let objects: [ObjectInfo]
    /// The anomaly table, ascending by time.
    public let anomalies: [AnomalyEntry]
    /// The columns every alert row holds (catalogue order; no cutouts, no `d:tag`).
    public let columns: [ColumnSpec]
    private let objectIndex: [String: Int]
    private let columnIndex: [String: Int]

    /// JD of 2023-01-25 00:00 UTC, when anomaly scores began.
    public static let anomalyStartJD = 2_459_969.5
    /// JD of 2026-11-20 00:00 UTC: the dataset's last night.
    public static let lastNightJD = 2_461_364.5

    /// Generates the dataset.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let catalogue = ColumnCatalogue.builtin
        columns = catalogue.columns.filter { $0.namespace != "b" && $0.name != "d:tag" }
        columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.name, $0.offset) })
        genericRanges = columns.map(Self.genericRange)
        roles = columns.map { Self.namedRoles[$0.name] ?? ($0.name.hasPrefix("d:blazar_stats") ? .blazarStats : .generic) }
        var objects: [ObjectInfo] = []
        var anomalies: [AnomalyEntry] = []
        var seenIds = Set<String>()
        for index in 0 ..< configuration.objectCount {
            var rng = SplitMix64(seed: configuration.seed, 1, UInt64(index))
            let lower = log(Double(configuration.minimumAlerts))
            let upper = log(Double(max(configuration.minimumAlerts, configuration.maximumAlerts)))
            let count = Int(exp(rng.uniform(lower ... upper)).rounded())
            // Light curves end after anomaly scoring began, so every object has scored alerts.
            let end = rng.uniform(Self.anomalyStartJD + 20 ... Self.lastNightJD)
            var jds: [Double] = []
            jds.reserveCapacity(count)
            var jd = end
            for _ in 0 ..< count {
                jds.append(Self.canonicalJD(jd))
                jd -= rng.chance(0.2) ? rng.uniform(0.01 ... 0.06) : rng.uniform(0.6 ... 3.2)
            }
            jds.reverse()
            // Keep times strictly increasing after rounding.
            for k in 1 ..< max(1, jds.count) where jds[k] <= jds[k - 1] {
                jds[k] = Self.canonicalJD(jds[k - 1] + 0.0001)
            }
            let scored = jds.indices.filter { jds[$0] >= Self.anomalyStartJD }
            var anomalous: [Int] = []
            if !scored.isEmpty {
                for _ in 0 ..< rng.int(1 ... 3) {
                    let pick = scored[rng.int(0 ... scored.count - 1)]
                    if !anomalous.contains(pick) { anomalous.append(pick) }
                }
            }
            anomalous.sort()
            var id = Self.objectId(index: index, year: Self.year(ofJD: jds[0]))
            while !seenIds.insert(id).inserted { id += "a" }
            let singleBand: Int? = rng.chance(0.15) ? rng.int(1 ... 2) : nil
            objects.append(ObjectInfo(id: id, alertJDs: jds, anomalousAlerts: anomalous, singleBand: singleBand,
                                      ra: (rng.uniform(0 ... 360) * 1e7).rounded() / 1e7,
                                      dec: (rng.uniform(-30 ... 89) * 1e7).rounded() / 1e7))
            for alert in anomalous { anomalies.append(AnomalyEntry(jd: jds[alert], object: index, alert: alert)) }
        }
        anomalies.sort { ($0.jd, $0.object) < ($1.jd, $1.object) }
        self.objects = objects
        self.anomalies = anomalies
        objectIndex = Dictionary(uniqueKeysWithValues: objects.enumerated().map { ($0.element.id, $0.offset) })
    }

    /// The number of alerts of all objects.
    public var alertCount: Int { objects.reduce(0) { $0 + $1.alertJDs.count } }

    /// The index of an object id.
    public func index(ofObject id: String) -> Int? { objectIndex[id] }

    /// The position of a column in ``columns`` and in rows.
    public func index(ofColumn name: String) -> Int? { columnIndex[name] }

    // MARK: Rows

    /// The values of alert `alert` of object `object`, aligned with ``columns``.
    public func row(object: Int, alert: Int) -> [StandinValue] {
        let info = objects[object]
        var rng = SplitMix64(seed: configuration.seed, 2, UInt64(object), UInt64(alert))
        let jd = info.alertJDs[alert]
        let jdStartHist = info.alertJDs[0] - 0.0000001 * Double(object % 7)
        let anomalous = info.anomalousAlerts.contains(alert)
        let fid: Int64 = info.singleBand.map(Int64.init) ?? (rng.chance(0.02) ? 3 : (rng.chance(0.5) ? 1 : 2))
        var values = [StandinValue](repeating: .missing, count: columns.count)
        for (position, column) in columns.enumerated() {
            values[position] = value(of: column, position: position, rng: &rng, info: info, object: object, alert: alert, jd: jd,
                                     jdStartHist: jdStartHist, fid: fid, anomalous: anomalous)
        }
        return values
    }

    private func value(of column: ColumnSpec, position: Int, rng: inout SplitMix64, info: ObjectInfo, object: Int, alert: Int,
                       jd: Double, jdStartHist: Double, fid: Int64, anomalous: Bool) -> StandinValue {
        switch roles[position] {
        case .objectId: return .text(info.id)
        case .candid: return .integer(Self.candid(object: object, alert: alert))
        case .jd: return .real(jd)
        case .fid: return .integer(fid)
        case .ra: return .real(NumberText.pandasCanonical(info.ra + rng.uniform(-3e-5 ... 3e-5)))
        case .dec: return .real(NumberText.pandasCanonical(info.dec + rng.uniform(-3e-5 ... 3e-5)))
        case .jdstarthist: return .real(NumberText.pandasCanonical(jdStartHist))
        case .ndethist: return .integer(Int64(alert + 1))
        case .isdiffpos: return .text(rng.chance(0.8) ? "t" : "f")
        case .ssnamenr: return .text(rng.chance(0.9) ? "null" : rng.pick(["12345", "2023 AB12", "Ceres"]))
        case .programpi: return .text(rng.pick(Self.investigators))
        case .pdiffimfilename:
            return .text("/ztf/archive/sci/\(Self.year(ofJD: jd))/ztf_\(Self.candid(object: object, alert: alert))_scimrefdiffimg.fits.fz")
        case .anomalyScore:
            if anomalous { return .real(NumberText.pandasCanonical(rng.uniform(-0.95 ... -0.3))) }
            if jd < Self.anomalyStartJD || rng.chance(0.03) { return .missing }
            return .real(NumberText.pandasCanonical(rng.uniform(-0.3 ... 0.45)))
        case .cdsxmatch: return .text(rng.pick(Self.simbadTypes))
        case .dr3Name: return rng.chance(0.3) ? .missing : .text("Gaia DR3 \(rng.int(100_000_000_000 ... 6_999_999_999_999_999))")
        case .tns: return .text(rng.chance(0.9) ? "" : rng.pick(["SN Ia", "SN 2023abc, \"peculiar\"", "AT 2023xyz"]))
        case .tracklet: return .text(rng.chance(0.95) ? "" : "TRCK_20230312_\(rng.int(100_000 ... 999_999))")
        case .roid: return .integer(Int64(rng.pick([0, 0, 0, 1, 2, 3])))
        case .nalerthist: return .integer(Int64(alert + 1))
        case .lcFeaturesG: return .features(features(band: 1, info: info, rng: &rng))
        case .lcFeaturesR: return .features(features(band: 2, info: info, rng: &rng))
        case .spicyId: return .integer(-1)
        case .mangroveNumber:
            return .text(rng.chance(0.85) ? "None" : NumberText.pandas(rng.uniform(1 ... 900)))
        case .mangroveName:
            return .text(rng.chance(0.85) ? "None" : "J\(rng.int(10_000_000 ... 99_999_999))+\(rng.int(1_000_000 ... 9_999_999))")
        case .blazarStats:
            return .real(-1.0)
        case .classification: return .text(rng.pick(Self.classifications))
        case .lastdate: return .text(Self.utcString(jd: jd))
        case .firstdate: return .text(Self.utcString(jd: jdStartHist))
        case .lapse: return .real(NumberText.pandasCanonical(jd - jdStartHist))
        case .constellation: return .text(rng.pick(Self.constellations))
        case .generic:
            break
        }
        let keyColumn = column.namespace == "v"
        switch column.type {
        case .float:
            if !keyColumn && rng.chance(0.03) { return .missing }
            return .real(Self.float32(rng.uniform(genericRanges[position])))
        case .double:
            if rng.chance(keyColumn ? 0.3 : 0.03) { return .missing }
            return .real(NumberText.pandasCanonical((rng.uniform(genericRanges[position]) * 1e6).rounded() / 1e6))
        case .int:
            if rng.chance(0.02) { return .missing }
            return .integer(Int64(rng.int(0 ... 2000)))
        case .long:
            return .integer(Int64(rng.int(100_000_000_000_000_000 ... 9_000_000_000_000_000_000)))
        case .bool:
            return .bool(rng.chance(0.3))
        case .string:
            if rng.chance(0.05) { return .missing }
            return .text(rng.chance(0.7) ? "Unknown" : rng.pick(["EB*", "Mira", "RRLyr", "t17_f5_c3"]))
        case .array:
            return .missing
        }
    }

    private func features(band: Int, info: ObjectInfo, rng: inout SplitMix64) -> FeatureList {
        if let only = info.singleBand, only != band { return .allNull }
        let roll = rng.unit()
        if roll < 0.12 { return .empty }
        if roll < 0.16 { return .values(Array(repeating: .nan, count: 26)) }
        var values: [Double] = []
        values.reserveCapacity(26)
        for index in 0 ..< 26 {
            if rng.chance(0.04) { values.append(.nan); continue }
            let value: Double
            switch index {
            case 0, 1, 3: value = rng.uniform(14 ... 21)
            case 14, 23: value = rng.chance(0.05) ? rng.uniform(1e7 ... 5e8) : rng.uniform(0.1 ... 80)
            case 12, 13: value = rng.chance(0.3) ? rng.uniform(-9e-4 ... 9e-4) : rng.uniform(-0.05 ... 0.05)
            default: value = rng.uniform(-2 ... 5)
            }
            values.append(value)
        }
        if rng.chance(0.01) { values[23] = .infinity }
        return .values(values)
    }

    /// Upper-limit and bad-quality rows of an object (`withupperlim`), aligned with ``columns``;
    /// numbers other than `i:jd` and `i:candid` come as strings, as the API sends them.
    public func extraRows(object: Int) -> [(tag: String, jd: Double, values: [StandinValue])] {
        let info = objects[object]
        var rng = SplitMix64(seed: configuration.seed, 3, UInt64(object))
        var rows: [(String, Double, [StandinValue])] = []
        let count = max(1, info.alertJDs.count / 4)
        for k in 0 ..< count {
            let base = info.alertJDs[rng.int(0 ... info.alertJDs.count - 1)]
            let jd = Self.canonicalJD(base - 0.3 - Double(k % 5) * 0.01)
            guard !info.alertJDs.contains(jd) else { continue }
            var values = [StandinValue](repeating: .missing, count: columns.count)
            let badQuality = rng.chance(0.3)
            func set(_ name: String, _ value: StandinValue) { values[columnIndex[name]!] = value }
            set("i:objectId", .text(info.id))
            set("i:jd", .real(jd))
            set("i:candid", .integer(-1))
            set("i:fid", .numericText(String(rng.int(1 ... 2))))
            set("i:diffmaglim", .numericText(Float(Self.float32(rng.uniform(18.5 ... 21))).description))
            if badQuality {
                set("i:magpsf", .numericText(Float(Self.float32(rng.uniform(17 ... 21))).description))
                set("i:sigmapsf", .numericText(Float(Self.float32(rng.uniform(0.05 ... 0.4))).description))
                set("i:magnr", .numericText(Float(Self.float32(rng.uniform(15 ... 21))).description))
                set("i:sigmagnr", .numericText(Float(Self.float32(rng.uniform(0.01 ... 0.2))).description))
                set("i:isdiffpos", .text("t"))
                set("i:distnr", .numericText(Float(Self.float32(rng.uniform(0 ... 3))).description))
            }
            rows.append((badQuality ? "badquality" : "upperlim", jd, values))
        }
        return rows
    }

    // MARK: Helpers

    /// `i:candid`: unique, above 2^53; two of them sit at 2^53 + 1 and near Int64.max.
    public static func candid(object: Int, alert: Int) -> Int64 {
        if object == 0 && alert == 0 { return 9_007_199_254_740_993 }
        if object == 0 && alert == 1 { return 9_223_372_036_854_775_806 }
        return 1_000_000_000_000_000_000 + Int64(object) * 10_000_000 + Int64(alert) * 7 + 15
    }

    /// A float32 measurement as the API delivers it: its shortest float32 decimal, read as a double.
    static func float32(_ value: Double) -> Double {
        NumberText.pandasCanonical(Double(Float(value).description) ?? value)
    }

    static func canonicalJD(_ jd: Double) -> Double {
        NumberText.pandasCanonical((jd * 1e7).rounded() / 1e7)
    }

    static func year(ofJD jd: Double) -> Int {
        let date = Date(timeIntervalSince1970: (jd - 2_440_587.5) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.year, from: date)
    }

    /// `YYYY-MM-DD HH:MM:SS.sss` (UTC) of a JD, as the API's `v:lastdate` shows it.
    static func utcString(jd: Double) -> String {
        let milliseconds = Int64(((jd - 2_440_587.5) * 86_400_000).rounded())
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        var rest = milliseconds - days * 86_400_000
        let hour = rest / 3_600_000; rest %= 3_600_000
        let minute = rest / 60_000; rest %= 60_000
        let second = rest / 1000, millis = rest % 1000
        // Howard Hinnant's civil-from-days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))"
    }

    static func objectId(index: Int, year: Int) -> String {
        // Spread consecutive indices over the id space so ids look like ZTF's.
        var value = (UInt64(index) &* 2_654_435_761) % 8_031_810_176 // 26^7
        var letters: [Character] = []
        for _ in 0 ..< 7 {
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(value % 26))))
            value /= 26
        }
        let yy = year % 100
        return "ZTF\(yy < 10 ? "0" : "")\(yy)\(String(letters.reversed()))"
    }

    static func genericRange(_ column: ColumnSpec) -> ClosedRange<Double> {
        if scoreColumns.contains(column.name) { return 0 ... 1 }
        if column.type == .double { return -5 ... 400 }
        if column.name.hasPrefix("i:sig") || column.name.hasPrefix("d:e_") { return 0.005 ... 0.4 }
        if column.unit == "mag" { return 14 ... 21.5 }
        return 0 ... 60
    }

    /// Probabilities and scores, between 0 and 1.
    static let scoreColumns: Set<String> = [
        "i:drb", "i:rb", "i:classtar", "i:sgscore1", "i:sgscore2", "i:sgscore3", "d:mulens", "d:rf_kn_vs_nonkn",
        "d:rf_snia_vs_nonia", "d:snn_sn_vs_all", "d:snn_snia_vs_nonia", "d:slsn_score",
    ]
    static let investigators = [
        "Kulkarni", "Bellm, E. \"Eric\"", "Graham & Kasliwal <ZTF>", "Zürich–Ωmega", "東京大学", "O'Brien",
    ]
    static let simbadTypes = [
        "Unknown", "CataclyV*", "Mira", "RRLyr", "LPV*", "EB*_Candidate", "EB*", "Star", "CV*_Candidate",
        "Fail 504", "Blazar", "V*", "YSO", "Fail 503", "SN", "V*?_Candidate", "Seyfert_1", "TTau*",
    ]
    static let classifications = [
        "Unknown", "SN candidate", "Early SN Ia candidate", "Solar System candidate", "Ambiguous", "Kilonova candidate",
    ]
    static let constellations = ["Boötes", "Sagittarius", "Canis Major", "Ursa Major", "Cassiopeia", "Scorpius", "Orion"]
}
