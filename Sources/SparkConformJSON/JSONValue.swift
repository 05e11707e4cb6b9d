/// A JSON document as received. Objects keep their key order and numbers keep
/// their literal text, so nothing a user sent is reinterpreted on the way
/// through (the pod is never decoded into a typed model).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, exactly as it appeared.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// An array or object not built yet (see `DeferredJSON`); every accessor builds it.
    case deferred(DeferredJSON)

    /// The value with a deferred array or object built; anything else as it is.
    public var resolved: JSONValue {
        if case .deferred(let deferred) = self { return deferred.value }
        return self
    }

    /// Equality of JSON values; a deferred value equals its built form.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)): left == right
        case (.deferred(let left), .deferred(let right)) where left.source == right.source: true
        case (.deferred, _), (_, .deferred): lhs.resolved == rhs.resolved
        default: false
        }
    }

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    @inlinable
    public var objectValue: JSONObject? {
        switch self {
        case .object(let object): object
        case .deferred(let deferred) where !deferred.isArray: deferred.value.objectValue
        default: nil
        }
    }

    @inlinable
    public var arrayValue: [JSONValue]? {
        switch self {
        case .array(let array): array
        case .deferred(let deferred) where deferred.isArray: deferred.value.arrayValue
        default: nil
        }
    }

    /// The first element of an array that `matches`; a deferred array is built
    /// only up to that element.
    public func firstElement(where matches: (JSONValue) -> Bool) -> JSONValue? {
        switch self {
        case .array(let elements): elements.first(where: matches)
        case .deferred(let deferred) where deferred.isArray: JSONParser.firstElement(ofArray: deferred.source, where: matches)
        default: nil
        }
    }

    @inlinable
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// Member of an object; nil for a missing key or a non-object.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .deferred(let deferred): deferred.isArray ? "array" : "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
