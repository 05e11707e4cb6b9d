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

    public var objectValue: JSONObject? {
        switch self {
        case .object(let object): object
        case .deferred(let deferred) where !deferred.isArray: deferred.value.objectValue
        default: nil
        }
    }

    public var arrayValue: [JSONValue]? {
        switch self {
        case .array(let array): array
        case .deferred(let deferred) where deferred.isArray: deferred.value.arrayValue
        default: nil
        }
    }

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

/// One member of a JSON object. A named struct rather than a tuple: arrays of
/// tuples look up their generic metadata at run time on every allocation.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    /// Lengths first: a mismatch of two different strings otherwise costs a call into the runtime.
    @inline(__always)
    func hasKey(_ other: String) -> Bool {
        key.utf8.count == other.utf8.count && key == other
    }
}

/// An ordered JSON object. Kubernetes objects have few keys per map, so a
/// linear scan beats hashing and keeps the order the sender chose.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [JSONMember]

    public init() { members = [] }

    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public func index(of key: String) -> Int? {
        members.firstIndex { $0.hasKey(key) }
    }

    /// Setting nil removes the key; setting an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        get { index(of: key).map { members[$0].value } }
        set {
            if let position = index(of: key) {
                if let newValue { members[position].value = newValue } else { members.remove(at: position) }
            } else if let newValue {
                members.append(JSONMember(key: key, value: newValue))
            }
        }
    }

    /// Edits the value of the member at `index` in place: unique storage is not copied.
    public mutating func modifyValue<E: Error>(at index: Int, _ body: (inout JSONValue) throws(E) -> Void) throws(E) {
        try body(&members[index].value)
    }

    /// Members whose keys are known to be distinct: for a parser that has checked.
    init(distinctMembers: [JSONMember]) {
        members = distinctMembers
    }

    /// Object equality ignores key order, as JSON does.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Unchanged subtrees of a copied document share storage: equal without a walk.
        let shared = lhs.members.withUnsafeBufferPointer { left in
            rhs.members.withUnsafeBufferPointer { right in left.baseAddress == right.baseAddress }
        }
        if shared { return true }
        for (index, member) in lhs.members.enumerated() {
            // Same order is the common case: compare in place before searching.
            if rhs.members[index].key == member.key {
                if rhs.members[index].value != member.value { return false }
            } else if rhs[member.key] != member.value {
                return false
            }
        }
        return true
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
