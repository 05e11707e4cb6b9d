import SparkConformJSON

/// The report, ordered once for both outputs: namespaces by name, rules in
/// run order, conflicts and apps by how many pods they touch.
extension AuditReport {
    public var namespaceRows: [(name: String, summary: NamespaceSummary)] {
        namespaces.entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Rules in the webhook's run order; names it does not know (an older or newer log) after them.
    public static func ruleRows(_ summary: NamespaceSummary) -> [(rule: String, counts: RuleCounts)] {
        summary.rules.entries.sorted { left, right in
            let leftIndex = RuleTable.ids.firstIndex { $0.rawValue == left.key } ?? Int.max
            let rightIndex = RuleTable.ids.firstIndex { $0.rawValue == right.key } ?? Int.max
            return (leftIndex, left.key) < (rightIndex, right.key)
        }.map { ($0.key, $0.value) }
    }

    public func topConflicts(_ count: Int) -> [(key: ConflictKey, summary: ConflictSummary)] {
        Array(conflicts.entries.sorted { left, right in
            if left.value.pods != right.value.pods { return left.value.pods > right.value.pods }
            return (left.key.rule, left.key.field, left.key.podValue) < (right.key.rule, right.key.field, right.key.podValue)
        }.prefix(count)).map { ($0.key, $0.value) }
    }

    /// Apps whose pods would change or conflict first: those are the teams to talk to.
    public func topApps(_ count: Int) -> [(key: AppKey, summary: AppSummary)] {
        Array(apps.entries.sorted { left, right in
            let leftWeight = (left.value.change + left.value.conflict, left.value.pods)
            let rightWeight = (right.value.change + right.value.conflict, right.value.pods)
            if leftWeight != rightWeight { return leftWeight > rightWeight }
            return (left.key.namespace, left.key.appID) < (right.key.namespace, right.key.appID)
        }.prefix(count)).map { ($0.key, $0.value) }
    }

    /// Listed apps per namespace, in one pass over the apps (there may be 100,000).
    public var appCounts: [String: Int] {
        apps.entries.keys.reduce(into: [:]) { counts, key in counts[key.namespace, default: 0] += 1 }
    }

    public var internalErrors: Int { overall.outcomes.entries[Decision.Outcome.internalError.rawValue] ?? 0 }

    public var rejectedRequests: Int { rejected.entries.values.reduce(0, +) }

    /// Keys beyond a limit: their records are in every total but not listed.
    public var unitemised: [(what: String, records: Int)] {
        var result: [(String, Int)] = [("namespaces", namespaces.unitemised), ("apps", apps.unitemised), ("conflicts", conflicts.unitemised)]
        let reasons = ([overall] + namespaces.entries.values).reduce(0) { sum, summary in
            sum + summary.untouched.unitemised + summary.rules.unitemised
                + summary.rules.entries.values.reduce(0) { $0 + $1.skipReasons.unitemised }
        }
        result.append(("rules or reasons", reasons))
        return result.filter { $0.1 > 0 }
    }

    static func sortedCounts<Key: Comparable>(_ tally: BoundedTally<Key, Int>) -> [(key: Key, count: Int)] {
        tally.entries.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
    }
}
