/// Stable rule ids, used in the policy, annotations, logs and metrics.
/// The declaration order is the order the rules run in.
public enum RuleID: String, Sendable, CaseIterable, Comparable {
    case zoneColocation = "zone-colocation"
    case appIsolation = "app-isolation"
    case nodeLifecycle = "node-lifecycle"
    case localDirs = "local-dirs"
    case serviceAccount = "service-account"

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
