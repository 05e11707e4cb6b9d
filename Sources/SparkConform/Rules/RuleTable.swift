/// Every rule, in the order it runs. The run order, the metric series, the
/// opt-out names, the policy sections a file may have and the namespace
/// override switches all follow from this list: a new rule is its file, its
/// policy section (a `RuleSettings` type and a `Policy` property) and one line here.
public enum RuleTable {
    public static let rules: [any PodRule] = [
        AppLabelsRule(),
        ZoneColocationRule(),
        AppIsolationRule(),
        NodeLifecycleRule(),
        DedicatedNodesRule(),
        LocalDirsRule(),
        ServiceAccountRule(),
    ]

    public static let ids: [RuleID] = rules.map(\.id)

    /// Position in the table: run order and the index of the rule's metric series.
    public static func index(of id: RuleID) -> Int? { ids.firstIndex(of: id) }
}
