import Yams

/// The value of a YAML scalar tagged as an integer, computed here with every
/// step overflow-checked. Yams computes the YAML 1.1 forms (`0x1F`, `0o17`,
/// `017`, `1_000`, sexagesimal `1:30`) with trapping arithmetic, so a 23-byte
/// `8:8:8:8:8:8:8:8:8:48:4` in a policy or a preview body crashed the process
/// (found by fuzz-policy-preview). Nil when the text does not fit an `Int`.
enum YAMLInteger {
    static func value(of node: Node) -> Int? {
        guard case .scalar(let scalar) = node else { return nil }
        return value(of: scalar.string)
    }

    static func value(of text: String) -> Int? {
        var digits = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, ("0"..."9").contains(first) else { return nil }
        let magnitude: Int?
        if digits.hasPrefix("0x") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0o") {
            magnitude = Int(digits.dropFirst(2), radix: 8)
        } else if digits.hasPrefix("0b") {
            magnitude = Int(digits.dropFirst(2), radix: 2)
        } else if digits.contains(":") {
            magnitude = sexagesimal(digits)
        } else if digits.count > 1, first == "0" {
            magnitude = Int(digits.dropFirst(), radix: 8)
        } else {
            magnitude = Int(digits, radix: 10)
        }
        // `Int(_:radix:)` takes a sign of its own (`0x-1`): not a YAML integer.
        guard let magnitude, magnitude >= 0 else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Base 60, most significant part first: `1:30` is 90.
    private static func sexagesimal(_ digits: Substring) -> Int? {
        var total = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), let value = Int(part, radix: 10), value >= 0 else { return nil }
            let (shifted, overflowShift) = total.multipliedReportingOverflow(by: 60)
            let (sum, overflowSum) = shifted.addingReportingOverflow(value)
            guard !overflowShift, !overflowSum else { return nil }
            total = sum
        }
        return total
    }
}
