import SparkConformJSON

/// Derives one JSON Patch from the pod as received and the pod after every
/// rule ran. Rules only edit a draft; computing the patch once, at the end,
/// is what guarantees that several rules touching one parent
/// (`/spec/affinity`) never add the same path twice, and that an absent
/// parent is created by a single `add` of the whole object.
public enum PatchBuilder {
    public static func operations(from original: JSONValue, to modified: JSONValue) -> [PatchOperation] {
        var operations: [PatchOperation] = []
        if original != modified { diff(original, modified, at: .root, into: &operations) }
        return operations
    }

    /// Called only for values that differ: each level compares its members
    /// before descending, so no subtree is compared twice.
    private static func diff(
        _ original: JSONValue, _ modified: JSONValue, at path: JSONPointer, into operations: inout [PatchOperation]
    ) {
        switch (original.resolved, modified.resolved) {
        case (.object(let before), .object(let after)):
            // Removals first (a volume source swapped in place: remove emptyDir, add hostPath).
            for member in before.members where after[member.key] == nil {
                operations.append(.remove(path.appending(member.key)))
            }
            for member in after.members {
                if let previous = before[member.key] {
                    // Most members are unchanged: compare before building their pointer.
                    if previous != member.value {
                        diff(previous, member.value, at: path.appending(member.key), into: &operations)
                    }
                } else {
                    operations.append(.add(path.appending(member.key), member.value))
                }
            }
        case (.array(let before), .array(let after)):
            // Elements put in front (an init container that must run first): one add each,
            // at its index, instead of replacing every element that moved.
            let inserted = after.count - before.count
            if inserted > 0, !before.isEmpty, before[0] != after[0], after[inserted...].elementsEqual(before) {
                for index in 0..<inserted { operations.append(.add(path.appending(String(index)), after[index])) }
                return
            }
            let common = min(before.count, after.count)
            for index in 0..<common where before[index] != after[index] {
                diff(before[index], after[index], at: path.appending(String(index)), into: &operations)
            }
            if after.count > before.count {
                for element in after[before.count...] { operations.append(.add(path.appending("-"), element)) }
            } else {
                for index in (after.count..<before.count).reversed() {
                    operations.append(.remove(path.appending(String(index))))
                }
            }
        default:
            operations.append(.replace(path, modified))
        }
    }
}
