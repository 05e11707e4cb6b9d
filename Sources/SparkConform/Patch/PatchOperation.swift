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
}
