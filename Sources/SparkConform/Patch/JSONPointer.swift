import SparkConformJSON

/// RFC 6901 JSON Pointer, built from unescaped reference tokens.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public let tokens: [String]

    public init(_ tokens: [String]) { self.tokens = tokens }

    public static let root = JSONPointer([])

    public func appending(_ token: String) -> JSONPointer {
        var extended = tokens
        extended.append(token)
        return JSONPointer(extended)
    }

    /// `~` becomes `~0` before `/` becomes `~1`, so `~1` in a key stays distinct from `/`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var escaped = ""
        escaped.reserveCapacity(token.utf8.count + 2)
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    public var description: String {
        tokens.map { "/" + Self.escape($0) }.joined()
    }

    /// The pointer as a JSON string literal, escaped twice over (RFC 6901,
    /// then JSON) as it is written, for the patch on every response.
    func writeJSONString(into out: inout ByteWriter) {
        out.append(UInt8(ascii: "\""))
        for token in tokens {
            out.append(UInt8(ascii: "/"))
            var token = token
            token.withUTF8 { bytes in
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "~"): out.append("~0")
                    case UInt8(ascii: "/"): out.append("~1")
                    case _ where JSONWriter.needsEscape(byte): JSONWriter.appendEscape(of: byte, to: &out)
                    default: out.append(byte)
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public enum ParseError: Error, Equatable { case missingLeadingSlash, invalidEscape(String) }

    public init(parsing text: String) throws(ParseError) {
        guard !text.isEmpty else { self.tokens = []; return }
        guard text.hasPrefix("/") else { throw .missingLeadingSlash }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else { token.append(character); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw .invalidEscape(String(raw))
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }
}
