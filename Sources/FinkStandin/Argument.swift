import FinkExport
import Foundation

/// A request argument with its JSON type kept, since the API's rules depend on it
/// (`withupperlim` is true only for `true` or `"True"`, `n` goes through Python's `int`).
enum Argument: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case composite(String)

    /// `str(value)` in Python.
    var pythonString: String {
        switch self {
        case .string(let text), .number(let text), .composite(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .null: return "None"
        }
    }

    /// The members of a JSON object body, or nil when the body is not one.
    static func parseObject(_ body: Data) -> [String: Argument]? {
        var collector = Collector()
        let wrapped = Data("[".utf8) + body + Data("]".utf8)
        do {
            try wrapped.withUnsafeBytes { raw in
                try JSONRecordReader.read(raw.bindMemory(to: UInt8.self), into: &collector)
            }
        } catch {
            return nil
        }
        guard collector.records == 1 else { return nil }
        return collector.values
    }

    private struct Collector: RecordHandler {
        var keys: [String] = []
        var values: [String: Argument] = [:]
        var records = 0

        mutating func beginRecord() throws {}
        mutating func endRecord() throws { records += 1 }

        mutating func slot(forKey key: UnsafeBufferPointer<UInt8>) throws -> Int {
            keys.append(String(decoding: key, as: UTF8.self))
            return keys.count - 1
        }

        mutating func value(_ cell: Cell, slot: Int) throws {
            let text: (UnsafeBufferPointer<UInt8>) -> String = { String(decoding: $0, as: UTF8.self) }
            switch cell {
            case .null: values[keys[slot]] = .null
            case .bool(let flag): values[keys[slot]] = .bool(flag)
            case .number(let number): values[keys[slot]] = .number(text(number.bytes))
            case .string(let b), .text(let b): values[keys[slot]] = .string(text(b))
            case .composite(let b): values[keys[slot]] = .composite(text(b))
            }
        }
    }
}
