/// The query of a request target, percent-decoded. Names outside the
/// accepted set are refused rather than ignored: a misspelt `outptu=diff`
/// would otherwise silently print the default output.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ query: Substring, accepting names: Set<String>) throws(HTTPFailure) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw .badRequest("query '\(pair)' is not valid percent-encoding")
            }
            guard names.contains(name) else {
                throw .badRequest("unknown query parameter '\(name)'; accepted: \(names.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else { throw .badRequest("query parameter '\(name)' is given more than once") }
            values[name] = value
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// `+` is a space in form encoding; `%XY` is a byte; the result must be UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
