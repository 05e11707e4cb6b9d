extension JSONValue {
    /// Reads or writes a nested member by object keys. Writing creates missing
    /// (or null) intermediate objects; writing nil removes the member.
    public subscript(path path: [String]) -> JSONValue? {
        @inlinable get {
            var current: JSONValue? = self
            for key in path { current = current?[key] }
            return current
        }
        set { set(path[...], newValue) }
    }

    private mutating func set(_ path: ArraySlice<String>, _ newValue: JSONValue?) {
        guard let key = path.first else {
            self = newValue ?? .null
            return
        }
        var object = objectValue ?? JSONObject()
        self = .null  // drop our reference so `object` is unique and edited in place, not copied
        if path.count == 1 {
            object[key] = newValue
        } else if let index = object.index(of: key) {
            // The child is edited where it is: one key search, no copy of a unique child.
            object.modifyValue(at: index) { $0.set(path.dropFirst(), newValue) }
        } else {
            var child = JSONValue.null
            child.set(path.dropFirst(), newValue)
            object[key] = child
        }
        self = .object(object)
    }
}
