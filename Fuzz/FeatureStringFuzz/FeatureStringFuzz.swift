// libFuzzer target: arbitrary bytes as a feature string (`[1.0, NaN, …]`) and as a number.
// A thrown error is fine; a trap, a sanitizer report, a hang or an inconsistent result is a bug.
//
// Built with FINK_EXPORT_FUZZ=1 (see scripts/fuzz), it runs under libFuzzer; otherwise it
// replays saved inputs: `fuzz-feature-string FILE...`.
import FinkExport
import FuzzSupport
import Foundation

func fuzzFeatureString(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    var values: [Double] = []
    if let count = try? FeatureStringParser.parse(input, into: &values) {
        precondition(count == values.count, "the parser's count disagrees with the values it returned")
        // Every value came from at least two bytes of list syntax or one digit.
        precondition(count <= size, "more values than bytes")
    }
    // A number that reads as a double is, when it is an integer literal, the same integer.
    if let value = NumberParsing.double(input), case .value(let integer) = NumberParsing.integer(input),
       integer.magnitude < 1 << 53 {
        precondition(value == Double(integer), "the double and integer readings of one literal disagree")
    }
    return 0
}

@main
struct FeatureStringFuzz {
    static func main() throws {
        try FuzzReplay.main(target: fuzzFeatureString)
    }
}
