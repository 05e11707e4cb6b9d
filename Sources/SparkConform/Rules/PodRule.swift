import SparkConformJSON

/// One best practice. A rule edits the draft pod (never the patch) and
/// reports its outcome; it only adds what is missing and keeps user values.
public protocol PodRule: Sendable {
    associatedtype Settings: RuleSettings
    var id: RuleID { get }
    /// Where the rule's section, and so its switch, lives in the policy. Read
    /// as policies load (`ResolvedPolicy`), never per pod: a key-path projection
    /// cost 2,300 instructions per rule per pod.
    var policySection: WritableKeyPath<Policy, Settings> { get }
    func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome
    /// The labels `apply` will add, known before any rule runs: the landing
    /// (Fargate profiles select on labels) is judged on them.
    func labelsItWillAdd(_ context: RuleContext) -> [(key: String, value: String)]
}

extension PodRule {
    public func labelsItWillAdd(_ context: RuleContext) -> [(key: String, value: String)] { [] }

    public func isEnabled(in policy: Policy) -> Bool { policy[keyPath: policySection].enabled }

    public func setEnabled(_ enabled: Bool, in policy: inout Policy) { policy[keyPath: policySection].enabled = enabled }

    /// Reads this rule's section of a policy file into `policy`.
    func readSettings(_ section: inout YAMLFields, into policy: inout Policy) throws(PolicyError) {
        try policy[keyPath: policySection].read(&section)
    }

    func applied(_ reason: String, conflicts: [Conflict] = []) -> RuleOutcome {
        RuleOutcome(rule: id, status: .applied, reason: reason, conflicts: conflicts)
    }

    func satisfied(_ reason: String, conflicts: [Conflict] = []) -> RuleOutcome {
        RuleOutcome(rule: id, status: .satisfied, reason: reason, conflicts: conflicts)
    }

    func skipped(_ reason: String, warning: String? = nil) -> RuleOutcome {
        RuleOutcome(rule: id, status: .skipped, reason: reason, warning: warning)
    }

    /// The skip outcome on Fargate, which `cannot` (ignores affinity, has no EC2 node labels…).
    func skippedOnFargate(_ context: RuleContext, _ cannot: String) -> RuleOutcome? {
        guard context.landing.isFargate else { return nil }
        // Which profile, and why, is the decision's "runs on"; the reason stays short.
        return skipped("the pod runs on Fargate, which \(cannot)")
    }

    /// The skip outcome when the policy limits this rule to other roles.
    func skippedForRole(_ roles: Set<SparkRole>, _ context: RuleContext) -> RuleOutcome? {
        roles.contains(context.role)
            ? nil : skipped("policy applies it to \(roles.sorted().map(\.rawValue).joined(separator: ", ")) pods only")
    }

    /// What a pod-affinity rule's terms select on: the executor's application
    /// id, or the outcome that skips the rule (Fargate, a driver, no usable id).
    func affinityAppID(_ context: RuleContext) -> Result<String, RuleOutcomeSkip> {
        if let skip = skippedOnFargate(context, "ignores affinity") { return .failure(RuleOutcomeSkip(skip)) }
        guard context.role == .executor else { return .failure(RuleOutcomeSkip(skipped("applies to executors only"))) }
        guard let appID = context.appID else {
            return .failure(RuleOutcomeSkip(skipped("pod has no \(SparkLabels.appSelector) label")))
        }
        // An invalid value in a selector would make the apiserver reject the pod.
        guard LabelSyntax.isValidValue(appID) else {
            return .failure(RuleOutcomeSkip(skipped("\(SparkLabels.appSelector) '\(appID)' is not a valid label value")))
        }
        return .success(appID)
    }

    /// A pod-affinity rule's one term, added unless the pod has it: applied
    /// saying `change`, or satisfied saying `already`.
    func ensure(
        _ term: JSONValue, _ kind: AffinityTerms.Kind, strength: Policy.Strength, weight: Int, in pod: inout JSONValue,
        change: @autoclosure () -> String, already: @autoclosure () -> String
    ) -> RuleOutcome {
        AffinityTerms.ensurePodAffinityTerm(term, kind: kind, strength: strength, weight: weight, in: &pod)
            ? applied(change()) : satisfied(already())
    }

    /// Applied when anything changed, satisfied otherwise (the satisfied reason is only built then).
    func outcome(changes: [String], satisfiedReason: @autoclosure () -> String, conflicts: [Conflict] = []) -> RuleOutcome {
        changes.isEmpty
            ? satisfied(satisfiedReason(), conflicts: conflicts)
            : applied(changes.joined(separator: "; "), conflicts: conflicts)
    }
}

/// A rule's early exit, carried through `Result`.
struct RuleOutcomeSkip: Error {
    let outcome: RuleOutcome
    init(_ outcome: RuleOutcome) { self.outcome = outcome }
}
