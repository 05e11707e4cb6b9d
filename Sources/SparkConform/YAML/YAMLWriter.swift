import SparkConformJSON

/// Writes JSON values as block-style YAML for people. Any string that YAML
/// could read as something else (a number, a boolean, null) or that needs
/// escaping is written double-quoted, which is JSON string syntax and valid YAML.
public enum YAMLWriter {
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out, inline: false)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch value.resolved {
        case .object(let object) where !object.isEmpty:
            if inline { out += "\n" }
            for member in object.members {
                out += pad + scalarText(.string(member.key)) + ":"
                writeChild(member.value, indent: indent, into: &out)
            }
        case .array(let array) where !array.isEmpty:
            if inline { out += "\n" }
            for element in array {
                out += pad + "-"
                switch element.resolved {
                case .object(let object) where !object.isEmpty:
                    // First member on the dash line, the rest aligned under it.
                    var first = true
                    for member in object.members {
                        out += (first ? " " : pad + "  ") + scalarText(.string(member.key)) + ":"
                        writeChild(member.value, indent: indent + 1, into: &out)
                        first = false
                    }
                default:
                    writeChild(element, indent: indent, into: &out)
                }
            }
        default:
            out += (inline ? " " : "") + scalarText(value) + "\n"
        }
    }

    private static func writeChild(_ value: JSONValue, indent: Int, into out: inout String) {
        let value = value.resolved
        switch value {
        case .object(let object) where !object.isEmpty: write(value, indent: indent + 1, into: &out, inline: true)
        case .array(let array) where !array.isEmpty: write(value, indent: indent + 1, into: &out, inline: true)
        default: out += " " + scalarText(value) + "\n"
        }
    }

    private static let reserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ]

    static func scalarText(_ value: JSONValue) -> String {
        switch value.resolved {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let text): return text
        case .object, .deferred: return "{}"
        case .array: return "[]"
        case .string(let string):
            return isPlainSafe(string) ? string : JSONWriter.string(.string(string))
        }
    }

    private static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.unicodeScalars.first, !reserved.contains(string.lowercased()) else { return false }
        guard first.properties.isAlphabetic || first == "_" || first == "/" else { return false }
        guard string.unicodeScalars.allSatisfy({ scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || "_./-=".unicodeScalars.contains(scalar)
        }) else { return false }
        // Avoid forms YAML 1.1 readers treat specially (sexagesimal, dates are digit-led and excluded above).
        return !string.hasSuffix(":")
    }
}
