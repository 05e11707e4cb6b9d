/// Per-key summaries with a ceiling on the number of keys, so that a report
/// over any log holds bounded memory. Records for keys beyond the ceiling are
/// counted in `unitemised` (and still in every total), never dropped unseen.
public struct BoundedTally<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let limit: Int
    public private(set) var entries: [Key: Value] = [:]
    /// Updates for keys that were not itemised because the ceiling was reached.
    public private(set) var unitemised = 0

    public init(limit: Int) { self.limit = limit }

    public mutating func update(_ key: Key, new: @autoclosure () -> Value, _ body: (inout Value) -> Void) {
        if let index = entries.index(forKey: key) {
            body(&entries.values[index])
        } else if entries.count < limit {
            var value = new()
            body(&value)
            entries[key] = value
        } else {
            unitemised += 1
        }
    }
}

extension BoundedTally {
    /// `other`'s entries added in. A key that no longer fits adds its `weight`
    /// (the updates it stands for) to `unitemised`.
    public mutating func merge(_ other: Self, weight: (Value) -> Int, combine: (inout Value, Value) -> Void) {
        unitemised += other.unitemised
        for (key, value) in other.entries {
            if let index = entries.index(forKey: key) {
                combine(&entries.values[index], value)
            } else if entries.count < limit {
                entries[key] = value
            } else {
                unitemised += weight(value)
            }
        }
    }
}

extension BoundedTally where Value == Int {
    public mutating func increment(_ key: Key) { update(key, new: 0) { $0 += 1 } }
}
