/// One member of a JSON object. A named struct rather than a tuple: arrays of
/// tuples look up their generic metadata at run time on every allocation.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// Lengths first: a mismatch of two different strings otherwise costs a call into the runtime.
    @inlinable @inline(__always)
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

    @inlinable
    public func index(of key: String) -> Int? {
        members.firstIndex { $0.hasKey(key) }
    }

    /// Setting nil removes the key; setting an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        @inlinable get { index(of: key).map { members[$0].value } }
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
    public init(distinctMembers: [JSONMember]) {
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
