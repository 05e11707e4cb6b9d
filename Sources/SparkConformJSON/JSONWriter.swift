/// Serialises JSON compactly (the wire format) or indented (for people).
/// Keys are written in the object's own order, so output is deterministic.
public enum JSONWriter {
    public static func bytes(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var out = ByteWriter(capacity: 1024)
        write(value, into: &out, pretty: pretty, indent: 0)
        return out.finish()
    }

    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        String(decoding: bytes(value, pretty: pretty), as: UTF8.self)
    }

    private static func newline(_ out: inout ByteWriter, _ indent: Int) {
        out.append(0x0A)
        out.append(0x20, repeating: indent * 2)
    }

    static func write(_ value: JSONValue, into out: inout ByteWriter, pretty: Bool, indent: Int) {
        guard pretty else { return writeCompact(value, into: &out) }
        switch value {
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent + 1)
                write(element, into: &out, pretty: true, indent: indent + 1)
            }
            if !array.isEmpty { newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent + 1)
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(0x20)
                write(member.value, into: &out, pretty: true, indent: indent + 1)
            }
            if !object.isEmpty { newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        case .deferred(let deferred):
            write(deferred.value, into: &out, pretty: true, indent: indent)
        case .null, .bool, .number, .string:
            writeCompact(value, into: &out)
        }
    }

    /// The wire format, on every request: no indentation bookkeeping.
    public static func writeCompact(_ value: JSONValue, into out: inout ByteWriter) {
        switch value {
        case .null: out.append("null")
        case .bool(let bool): out.append(bool ? "true" : "false")
        case .number(var text): text.withUTF8 { out.append($0) }
        case .string(let string): writeString(string, into: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in array {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeCompact(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .deferred(let deferred):
            // Source that writing would reproduce goes out as it came in; anything else is built and written.
            if deferred.isVerbatim {
                out.append(deferred.source)
            } else {
                writeCompact(deferred.value, into: &out)
            }
        }
    }

    public static func writeString(_ string: String, into out: inout ByteWriter) {
        var string = string
        string.withUTF8 { bytes in
            // Almost every string is printable ASCII needing no escape: one scan, one copy.
            if JSONParser.endOfPlainRun(bytes, from: 0) == bytes.count {
                out.append(UInt8(ascii: "\""))
                out.append(bytes)
                out.append(UInt8(ascii: "\""))
                return
            }
            out.append(UInt8(ascii: "\""))
            // Copy runs that need no escaping in one go; escape the rest byte by byte.
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard needsEscape(byte) else { continue }
                out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                appendEscape(of: byte, to: &out)
            }
            out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Whether a byte of a string must be escaped in JSON.
    @inline(__always)
    public static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The JSON escape of one byte for which `needsEscape` holds.
    public static func appendEscape(of byte: UInt8, to out: inout ByteWriter) {
        out.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
