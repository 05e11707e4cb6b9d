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

    /// The standard library's difference (Myers) over the lines between the
    /// common prefix and suffix; pods are a few hundred lines and a patch
    /// changes a contiguous few.
    static func script(_ old: [Substring], _ new: [Substring]) -> [Edit] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        { suffix += 1 }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        var removed = Set<Int>()
        var inserted = Set<Int>()
        // Bounded work for hostile input: past a million line pairs, show the
        // middle as replaced rather than align it.
        if a.count * b.count <= 1_000_000 {
            for change in b.difference(from: a) {
                switch change {
                case .remove(let offset, _, _): removed.insert(offset)
                case .insert(let offset, _, _): inserted.insert(offset)
                }
            }
        } else {
            removed = Set(a.indices)
            inserted = Set(b.indices)
        }
        // Deletions before insertions at each change, as diff(1) shows them.
        var edits: [Edit] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            let inMiddle = (i - prefix, j - prefix)
            if i < old.count - suffix, i >= prefix, removed.contains(inMiddle.0) {
                edits.append(Edit(kind: .delete, oldLine: i, newLine: j))
                i += 1
            } else if j < new.count - suffix, j >= prefix, inserted.contains(inMiddle.1) {
                edits.append(Edit(kind: .insert, oldLine: i, newLine: j))
                j += 1
            } else {
                edits.append(Edit(kind: .same, oldLine: i, newLine: j))
                i += 1
                j += 1
            }
        }
        return edits
    }
}
