import SparkConformJSON

/// One RFC 6902 operation. Only the three the webhook emits.
public struct PatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable { case add, remove, replace }

    public let kind: Kind
    public let path: JSONPointer
    public let value: JSONValue?

    public static func add(_ path: JSONPointer, _ value: JSONValue) -> PatchOperation {
        PatchOperation(kind: .add, path: path, value: value)
    }

    public static func replace(_ path: JSONPointer, _ value: JSONValue) -> PatchOperation {
        PatchOperation(kind: .replace, path: path, value: value)
    }

    public static func remove(_ path: JSONPointer) -> PatchOperation {
        PatchOperation(kind: .remove, path: path, value: nil)
    }

    public var json: JSONValue {
        var object = JSONObject([("op", .string(kind.rawValue)), ("path", .string(path.description))])
        if let value { object["value"] = value }
        return .object(object)
    }

    public static func document(_ operations: [PatchOperation]) -> JSONValue {
        .array(operations.map(\.json))
    }

    /// `document` written compactly without building it first: the patch every
    /// admission response carries.
    public static func documentBytes(_ operations: [PatchOperation]) -> [UInt8] {
        var out = ByteWriter(capacity: operations.count * 256)
        writeDocument(operations, into: &out)
        return out.finish()
    }

    static func writeDocument(_ operations: [PatchOperation], into out: inout ByteWriter) {
        out.append(UInt8(ascii: "["))
        for (index, operation) in operations.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(#"{"op":"#)
            JSONWriter.writeString(operation.kind.rawValue, into: &out)
            out.append(#","path":"#)
            operation.path.writeJSONString(into: &out)
            if let value = operation.value {
                out.append(#","value":"#)
                JSONWriter.writeCompact(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }
}
