/// A unified diff of two texts by lines (longest common subsequence), for
/// showing a person what the patch does to a pod.
public enum LineDiff {
    public static func unified(
        from before: String, to after: String, fromName: String, toName: String, context: Int = 3
    ) -> String {
        let old = lines(before)
        let new = lines(after)
        let edits = script(old, new)
        guard edits.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(fromName)\n+++ \(toName)\n"
        var index = 0
        while index < edits.count {
            guard let firstChange = edits[index...].firstIndex(where: { $0.kind != .same }) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            // Extend the hunk while the next change is within 2 * context lines.
            while true {
                guard let nextSame = edits[end...].firstIndex(where: { $0.kind == .same }) else { end = edits.count; break }
                let nextChange = edits[nextSame...].firstIndex(where: { $0.kind != .same })
                if let nextChange, nextChange - nextSame <= 2 * context {
                    end = nextChange
                } else {
                    end = min(edits.count, nextSame + context)
                    break
                }
            }
            let hunk = edits[start..<end]
            let oldStart = (hunk.first?.oldLine ?? 0) + 1
            let newStart = (hunk.first?.newLine ?? 0) + 1
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: out += " " + old[edit.oldLine] + "\n"
                case .delete: out += "-" + old[edit.oldLine] + "\n"
                case .insert: out += "+" + new[edit.newLine] + "\n"
                }
            }
            index = end
        }
        return out
    }

    private static func lines(_ text: String) -> [Substring] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false)
        if result.last == "" { result.removeLast() }
        return result
    }

    struct Edit {
        enum Kind { case same, delete, insert }
        let kind: Kind
        /// Position in the old text (for same/delete) or where an insert falls in it.
        let oldLine: Int
        let newLine: Int
    }

    /// LCS table over the lines between the common prefix and suffix; pods
    /// are a few hundred lines and a patch changes a contiguous few.
    static func script(_ old: [Substring], _ new: [Substring]) -> [Edit] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        { suffix += 1 }
        let a = old[prefix..<(old.count - suffix)]
        let b = new[prefix..<(new.count - suffix)]
        var edits = (0..<prefix).map { Edit(kind: .same, oldLine: $0, newLine: $0) }
        edits += middle(a, b)
        for offset in 0..<suffix {
            edits.append(Edit(kind: .same, oldLine: old.count - suffix + offset, newLine: new.count - suffix + offset))
        }
        return edits
    }

    /// The edits between two slices that differ at both ends.
    private static func middle(_ a: ArraySlice<Substring>, _ b: ArraySlice<Substring>) -> [Edit] {
        // Bounded memory for hostile input: past a million cells, show the
        // middle as replaced rather than align it.
        guard a.count * b.count <= 1_000_000 else {
            return a.indices.map { Edit(kind: .delete, oldLine: $0, newLine: b.startIndex) }
                + b.indices.map { Edit(kind: .insert, oldLine: a.endIndex, newLine: $0) }
        }
        let columns = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * columns)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i * columns + j] =
                    a[a.startIndex + i] == b[b.startIndex + j]
                    ? table[(i + 1) * columns + j + 1] + 1
                    : max(table[(i + 1) * columns + j], table[i * columns + j + 1])
            }
        }
        var edits: [Edit] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[a.startIndex + i] == b[b.startIndex + j] {
                edits.append(Edit(kind: .same, oldLine: a.startIndex + i, newLine: b.startIndex + j))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i * columns + j + 1] > table[(i + 1) * columns + j] {
                // Strictly greater: on a tie the deletion comes first, as diff(1) shows it.
                edits.append(Edit(kind: .insert, oldLine: a.startIndex + i, newLine: b.startIndex + j))
                j += 1
            } else {
                edits.append(Edit(kind: .delete, oldLine: a.startIndex + i, newLine: b.startIndex + j))
                i += 1
            }
        }
        return edits
    }
}
