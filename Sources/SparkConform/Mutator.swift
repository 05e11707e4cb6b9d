/// The decision for one admission request: the patch, and everything needed
/// to explain it (warnings, audit annotations, each rule's outcome).
public struct Decision: Sendable {
    public var patch: [PatchOperation] = []
    /// Why nothing was evaluated (not a Spark pod, UPDATE, opted out…); nil when the rules ran.
    public var reason: String?
    public var outcomes: [RuleOutcome] = []
    public var warnings: [String] = []
    public var mode: Policy.Mode = .enforce
    public var role: SparkRole?
    public var appID: String?
    public var podName = ""
    /// The patch that enforce mode would send; equal to `patch` in enforce mode.
    public var wouldPatch: [PatchOperation] = []

    public var conflicts: [Conflict] { outcomes.flatMap(\.conflicts) }

    /// Keys without `/`, at most 63 characters: the apiserver prefixes them
    /// with the webhook's name and writes them into the cluster audit log.
    public var auditAnnotations: [(key: String, value: String)] {
        guard reason == nil else { return [] }
        // One pass over the outcomes: this runs on every admission response.
        func add(_ item: String, to list: inout String, separator: String = ",") {
            list += list.isEmpty ? item : separator + item
        }
        var applied = "", satisfied = "", skipped = "", conflicts = ""
        for outcome in outcomes {
            switch outcome.status {
            case .applied: add(outcome.rule.rawValue, to: &applied)
            case .satisfied: add(outcome.rule.rawValue, to: &satisfied)
            case .skipped: add(outcome.rule.rawValue, to: &skipped)
            }
            for conflict in outcome.conflicts { add(conflict.summary, to: &conflicts, separator: "; ") }
        }
        var annotations: [(key: String, value: String)] = [(key: "mode", value: mode.rawValue)]
        if !applied.isEmpty { annotations.append((key: "rules-applied", value: applied)) }
        if !satisfied.isEmpty { annotations.append((key: "rules-satisfied", value: satisfied)) }
        if !skipped.isEmpty { annotations.append((key: "rules-skipped", value: skipped)) }
        if !conflicts.isEmpty { annotations.append((key: "conflicts", value: conflicts)) }
        return annotations
    }
}

/// The one decision path shared by `/mutate`, `/preview` and the CLI, so
/// that what a user previews is byte for byte what the cluster gets.
public enum Mutator {
    /// The rules, in the order they run.
    public static let rules: [any PodRule] = [
        ZoneColocationRule(), AppIsolationRule(), NodeLifecycleRule(), LocalDirsRule(), ServiceAccountRule(),
    ]

    /// Admission warnings must stay short; the apiserver truncates long ones.
    public static let maximumWarningLength = 119

    public static func decide(_ request: AdmissionRequest, policy: Policy) -> Decision {
        var decision = Decision()
        decision.mode = policy.mode
        guard request.operation == "CREATE" else {
            decision.reason = "operation \(request.operation) is not mutated"
            return decision
        }
        guard request.kind.kind == GroupVersionKind.pod.kind, request.kind.group.isEmpty else {
            decision.reason = "\(request.kind.description) is not a Pod"
            return decision
        }
        guard let object = request.object, object.objectValue != nil else {
            decision.reason = "request has no pod object"
            decision.warnings = ["spark-conform: request for a pod carried no object; allowed unchanged"]
            return decision
        }
        let namespace = request.namespace.isEmpty ? (PodView(object).namespace ?? "") : request.namespace
        return decide(pod: object, namespace: namespace, policy: policy)
    }

    public static func decide(pod object: JSONValue, namespace: String, policy basePolicy: Policy) -> Decision {
        let pod = PodView(object)
        var decision = Decision()
        decision.podName = pod.displayName
        decision.role = pod.role
        decision.appID = pod.appID
        let policy = basePolicy.resolved(forNamespace: namespace)
        decision.mode = policy.mode
        guard let role = pod.role else {
            decision.reason = "not a Spark pod (no \(SparkLabels.role) label of driver or executor)"
            return decision
        }
        guard policy.covers(namespace: namespace) else {
            decision.reason = "namespace \(namespace) is not covered by the policy"
            return decision
        }
        let skipAll = pod.annotation(OptOutAnnotations.skip) == "true"
        let skipList = pod.annotation(OptOutAnnotations.skipRules).map {
            $0.split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
        }
        var skippedByAnnotation: Set<RuleID> = []
        if skipAll || skipList != nil {
            if !policy.allowPodOptOut {
                decision.warnings.append(clip("spark-conform: pod opt-out annotations are disabled by policy; ignored"))
            } else if skipAll {
                decision.reason = "pod opted out with \(OptOutAnnotations.skip)"
                return decision
            } else if let names = skipList {
                let unknown = names.filter { RuleID(rawValue: $0) == nil }
                if !unknown.isEmpty {
                    decision.warnings.append(clip("spark-conform: unknown rule in \(OptOutAnnotations.skipRules): \(unknown.joined(separator: ","))"))
                }
                skippedByAnnotation = Set(names.compactMap(RuleID.init(rawValue:)))
            }
        }
        return run(pod: object, role: role, policy: policy, skipped: skippedByAnnotation, into: decision)
    }

    private static func run(
        pod object: JSONValue, role: SparkRole, policy: Policy, skipped: Set<RuleID>,
        into decision: Decision
    ) -> Decision {
        var decision = decision
        let context = RuleContext(original: PodView(object), role: role, policy: policy)
        var draft = object
        decision.outcomes.reserveCapacity(rules.count)
        for rule in rules {
            if !policy.isEnabled(rule.id) {
                decision.outcomes.append(RuleOutcome(rule: rule.id, status: .skipped, reason: "disabled by policy"))
            } else if skipped.contains(rule.id) {
                decision.outcomes.append(
                    RuleOutcome(rule: rule.id, status: .skipped, reason: "pod opted out with \(OptOutAnnotations.skipRules)"))
            } else {
                decision.outcomes.append(rule.apply(to: &draft, context: context))
            }
        }
        decision.wouldPatch = PatchBuilder.operations(from: object, to: draft)
        decision.warnings += decision.conflicts.map { clip("spark-conform: " + $0.summary) }
        switch policy.mode {
        case .enforce:
            decision.patch = decision.wouldPatch
        case .audit:
            // One warning per rule that would change the pod, saying what it would do.
            for outcome in decision.outcomes where outcome.status == .applied {
                decision.warnings.append(clip("spark-conform audit mode: \(outcome.rule.rawValue) would apply: \(outcome.reason)"))
            }
        }
        return decision
    }

    static func clip(_ warning: String) -> String {
        guard warning.count > maximumWarningLength else { return warning }
        return String(warning.prefix(maximumWarningLength - 1)) + "…"
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
