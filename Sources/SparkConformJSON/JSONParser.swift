/// A strict RFC 8259 parser over raw bytes. Written here rather than using
/// Foundation so that object key order and number text survive, the depth is
/// bounded (hostile input must not exhaust the stack), and errors carry the
/// byte offset a user can look up.
public struct JSONParser {
    /// Kubernetes objects nest a few dozen levels at most.
    public static let maximumDepth = 128

    /// Valid only inside `withParser`: the parser never outlives the bytes.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Member names whose array or object values are built only when read (`DeferredJSON`):
    /// the caller knows which fields it rarely reads; JSON does not.
    public struct DeferredKeys: Sendable {
        /// By length: hashing every candidate key costs more than comparing a few.
        private let byLength: [[String]]

        public init(_ keys: [String]) {
            var table = [[String]](repeating: [], count: (keys.map(\.utf8.count).max() ?? 0) + 1)
            for key in keys { table[key.utf8.count].append(key) }
            byLength = table
        }

        func contains(_ key: String) -> Bool {
            let length = key.utf8.count
            return length < byLength.count && byLength[length].contains(key)
        }
    }

    private let deferring: DeferredKeys?

    /// Whether the value being skipped holds something the writer would write
    /// differently: whitespace between tokens, an escape, a repeated key.
    private var skippedNonVerbatim = false
    /// Key ranges of the objects being skipped, innermost last, to notice a repeated key.
    private var skippedKeys: [Range<Int>] = []
    /// Children of the containers still open, innermost last: each container is
    /// allocated once at its final size when it closes, instead of growing.
    private var openMembers = ScratchStack<JSONMember>(capacity: 64)
    private var openElements = ScratchStack<JSONValue>(capacity: 64)

    /// `deferring`: leave the arrays and objects under these keys unbuilt until
    /// read (checked all the same), for a caller that rarely reads them.
    public static func parse(_ bytes: some Collection<UInt8>, deferring: DeferredKeys? = nil) throws(JSONParseError) -> JSONValue {
        try withParser(bytes, deferring: deferring) { (parser: inout JSONParser) throws(JSONParseError) in try parser.parseDocument() }
    }

    private static func withParser<T>(
        _ bytes: some Collection<UInt8>, deferring: DeferredKeys? = nil, _ body: (inout JSONParser) throws(JSONParseError) -> T
    ) throws(JSONParseError) -> T {
        let result: Result<T, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(bytes: buffer, deferring: deferring)
            defer {
                parser.openMembers.release()
                parser.openElements.release()
            }
            do throws(JSONParseError) { return .success(try body(&parser)) } catch { return .failure(error) }
        }
        if let result { return try result.get() }
        return try withParser(Array(bytes), deferring: deferring, body)
    }

    /// Several JSON values one after another (JSON Lines, or concatenated documents).
    public static func parseSequence(_ bytes: [UInt8]) throws(JSONParseError) -> [JSONValue] {
        try withParser(bytes) { (parser: inout JSONParser) throws(JSONParseError) in
            var values: [JSONValue] = []
            parser.skipWhitespace()
            while parser.position < parser.bytes.count {
                values.append(try parser.parseValue(depth: 0))
                parser.skipWhitespace()
            }
            return values
        }
    }

    /// The first element of the array in `bytes` that `matches`, building the
    /// elements one by one and stopping there: a deferred `env` list is read for
    /// one variable without building the rest.
    static func firstElement(ofArray bytes: [UInt8], where matches: (JSONValue) -> Bool) -> JSONValue? {
        try? withParser(bytes) { (parser: inout JSONParser) throws(JSONParseError) -> JSONValue? in
            parser.skipWhitespace()
            guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "[") else { return nil }
            if parser.openContainer(closedBy: UInt8(ascii: "]")) { return nil }
            repeat {
                parser.skipWhitespace()
                let element = try parser.parseValue(depth: 1)
                if matches(element) { return element }
            } while try !parser.containerEnds(closedBy: UInt8(ascii: "]"), in: "array")
            return nil
        } ?? nil
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, deferring: DeferredKeys?) {
        self.bytes = bytes
        self.deferring = deferring
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if position == bytes.count { throw fail("empty document") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if position != bytes.count { throw fail("unexpected data after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        let start = position
        scan: while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: break scan
            }
        }
        // Whitespace inside a deferred value keeps it from being written out verbatim.
        if position != start { skippedNonVerbatim = true }
    }

    /// Just past an opening bracket: true, with the closing one consumed, when the container is empty.
    @inline(__always)
    private mutating func openContainer(closedBy closing: UInt8) -> Bool {
        position += 1
        skipWhitespace()
        guard position < bytes.count, bytes[position] == closing else { return false }
        position += 1
        return true
    }

    /// After a member or element: false at `,` (another follows), true at the closing bracket.
    @inline(__always)
    private mutating func containerEnds(closedBy closing: UInt8, in container: StaticString) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of input in \(container)") }
        switch bytes[position] {
        case UInt8(ascii: ","):
            position += 1
            return false
        case closing:
            position += 1
            return true
        default:
            throw fail("expected ',' or '\(Self.printable(closing))' in \(container)")
        }
    }

    /// Before an object's key: its opening quote.
    @inline(__always)
    private mutating func expectKey() throws(JSONParseError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key in object") }
    }

    /// After an object's key: the colon, and the whitespace before the value.
    @inline(__always)
    private mutating func expectColon() throws(JSONParseError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after object key") }
        position += 1
        skipWhitespace()
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Self.printable(bytes[position]))'")
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end of input") }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[position + offset] != start[offset] {
            throw fail("invalid literal, expected '\(literal)'")
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if openContainer(closedBy: UInt8(ascii: "}")) { return .object(JSONObject()) }
        let first = openMembers.count
        repeat {
            try expectKey()
            let key = try parseString()
            try expectColon()
            let value: JSONValue
            if let deferring, position < bytes.count, bytes[position] == UInt8(ascii: "[") || bytes[position] == UInt8(ascii: "{"),
                deferring.contains(key)
            {
                value = try deferValue(depth: depth + 1)
            } else {
                value = try parseValue(depth: depth + 1)
            }
            // Duplicate keys: the last one wins, as in Go's encoding/json, which the apiserver uses.
            if let duplicate = (first..<openMembers.count).first(where: { openMembers[$0].hasKey(key) }) {
                openMembers[duplicate].value = value
            } else {
                openMembers.push(JSONMember(key: key, value: value))
            }
        } while try !containerEnds(closedBy: UInt8(ascii: "}"), in: "object")
        return .object(JSONObject(distinctMembers: openMembers.popArray(from: first)))
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if openContainer(closedBy: UInt8(ascii: "]")) { return .array([]) }
        let first = openElements.count
        repeat {
            skipWhitespace()
            openElements.push(try parseValue(depth: depth + 1))
        } while try !containerEnds(closedBy: UInt8(ascii: "]"), in: "array")
        return .array(openElements.popArray(from: first))
    }

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = position
        try scanNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func scanNumber() throws(JSONParseError) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number fraction") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid number exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
    }

    /// Checks an array or object as `parseValue` would, without building it.
    private mutating func deferValue(depth: Int) throws(JSONParseError) -> JSONValue {
        let start = position
        skippedNonVerbatim = false
        try skipValue(depth: depth)
        return .deferred(DeferredJSON(
            source: Array(UnsafeBufferPointer(rebasing: bytes[start..<position])),
            isArray: bytes[start] == UInt8(ascii: "["), isVerbatim: !skippedNonVerbatim))
    }

    /// Notes a key (its bytes between the quotes) repeated within one skipped object.
    private mutating func noteSkippedKey(_ key: Range<Int>, objectStart: Int) {
        for earlier in skippedKeys[objectStart...] where earlier.count == key.count
            && UnsafeBufferPointer(rebasing: bytes[earlier]).elementsEqual(UnsafeBufferPointer(rebasing: bytes[key]))
        {
            skippedNonVerbatim = true
        }
        skippedKeys.append(key)
    }

    /// The grammar of `parseValue`, `parseObject` and `parseArray`, with the same
    /// errors, building nothing: strings and numbers go through the same scanners.
    private mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard depth < Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            if openContainer(closedBy: UInt8(ascii: "}")) { return }
            let firstKey = skippedKeys.count
            defer { skippedKeys.removeSubrange(firstKey...) }
            repeat {
                try expectKey()
                let keyStart = position + 1
                try skipString()
                noteSkippedKey(keyStart..<(position - 1), objectStart: firstKey)
                try expectColon()
                try skipValue(depth: depth + 1)
            } while try !containerEnds(closedBy: UInt8(ascii: "}"), in: "object")
        case UInt8(ascii: "["):
            if openContainer(closedBy: UInt8(ascii: "]")) { return }
            repeat {
                skipWhitespace()
                try skipValue(depth: depth + 1)
            } while try !containerEnds(closedBy: UInt8(ascii: "]"), in: "array")
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw fail("unexpected character '\(Self.printable(bytes[position]))'")
        }
    }

    /// A plain ASCII string is only scanned; one with escapes or other
    /// characters takes the full path, whose checks (escapes, UTF-8) it needs.
    private mutating func skipString() throws(JSONParseError) {
        let opening = position
        position = Self.endOfPlainRun(bytes, from: position + 1)
        guard position < bytes.count else { throw fail("unterminated string") }
        if bytes[position] == UInt8(ascii: "\"") {
            position += 1
        } else {
            position = opening
            _ = try parseString()
            // An escape is written back differently ("\u0041" as "A"); non-ASCII is not.
            if UnsafeBufferPointer(rebasing: bytes[opening..<position]).contains(UInt8(ascii: "\\")) {
                skippedNonVerbatim = true
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes. One test per byte finds the end, an escape, a
        // control character or non-ASCII (noted, so ASCII needs no second pass).
        var isASCII = true
        while position < bytes.count {
            position = Self.endOfPlainRun(bytes, from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try validUTF8(slice, at: start, isASCII: isASCII)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("control character in string") }
            isASCII = false
            position += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try buffer.withUnsafeBufferPointer { (escaped) throws(JSONParseError) in
                    try validUTF8(escaped, at: start, isASCII: false)
                }
            case UInt8(ascii: "\\"):
                position += 1
                try appendEscape(to: &buffer)
            case 0..<0x20:
                throw fail("control character in string")
            default:
                buffer.append(byte)
                position += 1
            }
        }
        throw fail("unterminated string")
    }

    /// Printable ASCII other than quote and backslash: what a string's fast path
    /// passes over. (A table in a static costs a lazy-initialisation check per byte.)
    @inline(__always)
    private static func isPlainStringByte(_ byte: UInt8) -> Bool {
        byte &- 0x20 < 0x60 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// The first index at or after `start` that is not a plain string byte,
    /// scanned with locals only (no stores to the parser per byte).
    /// Eight bytes at a time while none is special (the classic "has a byte
    /// less than n / equal to c" word tricks), then byte by byte. The writer
    /// uses it too: a string that is one plain run needs no escaping.
    @inline(__always)
    static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let end = bytes.count
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let control = (word &- ones &* 0x20) & ~word
                let special = (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | word) & highs
                // The lowest flag marks the first special byte exactly (the tricks can
                // only flag spuriously above a real match).
                if special != 0 { return index + special.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < end, isPlainStringByte(bytes[index]) { index += 1 }
        return index
    }

    private func validUTF8(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int, isASCII: Bool) throws(JSONParseError) -> String {
        // Kubernetes objects are almost all ASCII, which needs no validation;
        // the generic validating initialiser costs a metadata lookup per call.
        let decoded: String? = isASCII ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        guard let string = decoded else {
            throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
        }
        return string
    }

    private mutating func appendEscape(to buffer: inout [UInt8]) throws(JSONParseError) {
        guard position < bytes.count else { throw fail("unterminated escape") }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw fail("unpaired surrogate in \\u escape") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid low surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw fail("unpaired surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
            buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw fail("invalid escape '\\\(Self.printable(escape))'")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
