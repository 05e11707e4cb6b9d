/// The report for a person reading it before switching to enforce.
extension AuditReport {
    public func text(top: Int) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }

        line("spark-conform audit report")
        line("Input: \(lines) lines: \(records) audit records, \(otherLines) other log lines, \(blankLines) blank, \(badLines) bad")
        for bad in badLineExamples { line("  bad line \(bad.line): \(bad.problem)") }
        if badLines > badLineExamples.count { line("  … and \(badLines - badLineExamples.count) more bad lines") }
        if let firstTime, let lastTime { line("Period: \(firstTime) to \(lastTime)") }
        line("Requests refused before a decision: \(rejectedRequests)"
            + (rejected.entries.isEmpty ? "" : " (" + Self.sortedCounts(rejected).map { "HTTP \($0.key): \($0.count)" }.joined(separator: ", ") + ")")
            + "; internal errors (pod allowed unpatched): \(internalErrors)")
        line("(change: the rule changed the pod in enforce mode, or would have in audit mode)")
        line()
        Self.summary("All namespaces", overall, apps: apps.entries.count, into: &out)
        let appCounts = appCounts
        for (name, summary) in namespaceRows {
            line()
            Self.summary("Namespace \(name)", summary, apps: appCounts[name] ?? 0, into: &out)
        }

        let conflicts = topConflicts(top)
        if !conflicts.isEmpty {
            line()
            line("Top conflicts (pods, the value kept or replaced):")
            for (key, summary) in conflicts {
                let verb = key.resolution == Conflict.Resolution.overridden.rawValue ? "replaced" : "kept"
                line("  \(Self.right(summary.pods, 7))  \(key.rule): \(verb) \(key.field)=\(key.podValue) (policy: \(key.policyValue))"
                    + " in \(Self.sortedCounts(summary.namespaces).map(\.key).joined(separator: ", ")); e.g. \(summary.examplePods.joined(separator: ", "))")
            }
        }
        let apps = topApps(top)
        if !apps.isEmpty {
            line()
            line("Apps (most pods changed or in conflict first):")
            for (key, summary) in apps {
                line("  \(key.namespace)  \(key.appID)  \(summary.pods) pods: \(summary.change) change, \(summary.conflict) conflict;"
                    + " e.g. \(summary.examplePods.joined(separator: ", "))")
            }
        }
        for (what, records) in unitemised {
            line("Note: \(records) records beyond the limit on \(what) are in the totals but not listed.")
        }
        return out
    }

    private static func summary(_ title: String, _ summary: NamespaceSummary, apps: Int, into out: inout String) {
        func line(_ text: String) { out += text + "\n" }
        let roles = sortedCounts(summary.roles).map { "\($0.count) \($0.key)" }.joined(separator: ", ")
        let modes = sortedCounts(summary.modes).map { "\($0.key) \($0.count)" }.joined(separator: ", ")
        line("\(title): \(summary.admissions) admissions (\(roles)), \(apps) apps; mode: \(modes)"
            + "; \(summary.change) change, \(summary.conflict) conflict" + (summary.dryRun > 0 ? "; \(summary.dryRun) dry runs (not counted)" : ""))
        let rows = ruleRows(summary)
        if !rows.isEmpty {
            let width = max(4, rows.map(\.rule.count).max() ?? 0)
            line("  " + pad("rule", width) + "   change  satisfied  skipped  conflict")
            for (rule, counts) in rows {
                line("  " + pad(rule, width) + right(counts.change, 9) + right(counts.satisfied, 11)
                    + right(counts.skipped, 9) + right(counts.conflict, 10))
            }
            let skipped = rows.filter { $0.counts.skipped > 0 }
            if !skipped.isEmpty { line("  skipped because:") }
            for (rule, counts) in skipped {
                for reason in sortedCounts(counts.skipReasons) { line("    \(rule): \(reason.key) (\(reason.count))") }
            }
        }
        for reason in sortedCounts(summary.untouched) { line("  not evaluated: \(reason.key) (\(reason.count))") }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func right(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }
}
