import SparkConformJSON

/// The one decision path shared by `/mutate`, `/preview` and the CLI, so
/// that what a user previews is byte for byte what the cluster gets.
public enum Mutator {
    /// Admission warnings must stay short; the apiserver truncates long ones.
    public static let maximumWarningLength = 119

    /// `podSecurityLabel`: the namespace's `enforce` level, when the webhook entry
    /// the apiserver matched says it (the chart has one entry per level).
    /// `recordingRuleOperations`: each outcome also carries the operations its rule
    /// added (preview's `--rules`); off on the admission path, where it would cost a diff per rule.
    public static func decide(
        _ request: AdmissionRequest, policy: ResolvedPolicy, podSecurityLabel: PodSecurityLevel? = nil, recordingRuleOperations: Bool = false
    ) -> Decision {
        var decision = Decision()
        decision.mode = policy.policy.mode
        decision.admittedPod = request.object ?? .null
        guard request.operation == "CREATE" else {
            decision.podName = request.object.map { PodView($0).displayName } ?? ""
            decision.reason = "operation \(request.operation) is not mutated"
            return decision
        }
        guard request.kind.kind == GroupVersionKind.pod.kind, request.kind.group.isEmpty else {
            decision.reason = "\(request.kind.description) is not a Pod"
            return decision
        }
        guard let object = request.object, object.objectValue != nil else {
            decision.reason = "request has no pod object"
            decision.notice("spark-conform: request for a pod carried no object; allowed unchanged")
            return decision
        }
        let namespace = request.namespace.isEmpty ? (PodView(object).namespace ?? "") : request.namespace
        return decide(
            pod: object, namespace: namespace, policy: policy, requester: request.username, podSecurityLabel: podSecurityLabel,
            recordingRuleOperations: recordingRuleOperations)
    }

    /// The same, resolving `policy` for this one request (tests, doctor); the server resolves once per load.
    public static func decide(
        _ request: AdmissionRequest, policy: Policy, podSecurityLabel: PodSecurityLevel? = nil, recordingRuleOperations: Bool = false
    ) -> Decision {
        decide(request, policy: ResolvedPolicy(policy), podSecurityLabel: podSecurityLabel, recordingRuleOperations: recordingRuleOperations)
    }

    /// The same for a pod given without a request (tests, doctor).
    public static func decide(
        pod object: JSONValue, namespace: String, policy: Policy, requester: String? = nil, podSecurityLabel: PodSecurityLevel? = nil
    ) -> Decision {
        decide(pod: object, namespace: namespace, policy: ResolvedPolicy(policy), requester: requester, podSecurityLabel: podSecurityLabel)
    }

    /// `requester`: `userInfo.username` of the request, when there is one.
    public static func decide(
        pod object: JSONValue, namespace: String, policy resolved: ResolvedPolicy, requester: String? = nil,
        podSecurityLabel: PodSecurityLevel? = nil, recordingRuleOperations: Bool = false
    ) -> Decision {
        let pod = PodView(object)
        var decision = Decision()
        decision.admittedPod = object
        decision.podName = pod.displayName
        decision.role = pod.role
        decision.appID = pod.appID
        let forNamespace = resolved.forNamespace(namespace)
        let policy = forNamespace.policy
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
                decision.notice("spark-conform: pod opt-out annotations are disabled by policy; ignored")
            } else if skipAll {
                decision.reason = "pod opted out with \(OptOutAnnotations.skip)"
                return decision
            } else if let names = skipList {
                let unknown = names.filter { RuleID(rawValue: $0) == nil }
                if !unknown.isEmpty {
                    decision.notice("spark-conform: unknown rule in \(OptOutAnnotations.skipRules): \(unknown.joined(separator: ","))")
                }
                skippedByAnnotation = Set(names.compactMap(RuleID.init(rawValue:)))
            }
        }
        let podSecurity = policy.podSecurity(forNamespace: namespace, label: podSecurityLabel)
        decision.podSecurity = podSecurity
        var context = RuleContext(
            original: pod, role: role, policy: policy, namespace: namespace, requester: requester, podSecurity: podSecurity)
        context.landing = landing(of: pod, context: context, enabled: forNamespace.enabled, skipped: skippedByAnnotation)
        decision.landing = context.landing
        decision.localDirsMode = context.localDirsMode
        decision.localDirsModeSource = context.localDirsModeSource
        if !context.landing.isFargate { decision.capacityPreset = policy.nodeLifecycle.presetName }
        return run(
            RuleTable.rules, enabled: forNamespace.enabled, pod: object, context: context, skipped: skippedByAnnotation, into: decision,
            recordingRuleOperations: recordingRuleOperations)
    }

    /// Where the pod will run. EKS's Fargate webhook runs after this one and
    /// matches its profiles on the labels the rules leave, so the labels the
    /// rules say they will add count.
    static func landing(of pod: PodView, context: RuleContext, enabled: [Bool], skipped: Set<RuleID>) -> Landing {
        let policy = context.policy
        let bound = pod.label(Landing.profileLabel) != nil
            || pod.json[path: ["spec", "schedulerName"]]?.stringValue == Landing.schedulerName
        guard bound || !policy.fargateProfiles.isEmpty else { return .ec2 }
        var labels: [String: String] = [:]
        for member in pod.labels.members { if let value = member.value.stringValue { labels[member.key] = value } }
        for (index, rule) in RuleTable.rules.enumerated() where enabled[index] && !skipped.contains(rule.id) {
            for label in rule.labelsItWillAdd(context) { labels[label.key] = label.value }
        }
        return policy.landing(of: pod, namespace: context.namespace, labels: labels)
    }

    /// The rules on one pod; `rules` is the table except in tests of the invariant,
    /// `enabled` their switches as `ResolvedPolicy` read them.
    static func run(
        _ rules: [any PodRule], enabled: [Bool], pod object: JSONValue, context: RuleContext, skipped: Set<RuleID>, into decision: Decision,
        recordingRuleOperations: Bool = false
    ) -> Decision {
        var decision = decision
        let policy = context.policy
        var draft = object
        decision.outcomes.reserveCapacity(rules.count)
        for (index, rule) in rules.enumerated() {
            if !enabled[index] {
                decision.outcomes.append(RuleOutcome(rule: rule.id, status: .skipped, reason: "disabled by policy"))
            } else if skipped.contains(rule.id) {
                decision.outcomes.append(
                    RuleOutcome(rule: rule.id, status: .skipped, reason: "pod opted out with \(OptOutAnnotations.skipRules)"))
            } else if recordingRuleOperations {
                let before = draft
                var outcome = rule.apply(to: &draft, context: context)
                outcome.operations = PatchBuilder.operations(from: before, to: draft)
                decision.outcomes.append(outcome)
            } else {
                decision.outcomes.append(rule.apply(to: &draft, context: context))
            }
        }
        decision.enforcePatch = PatchBuilder.operations(from: object, to: draft)
        // The one safety check: a pod the apiserver would refuse must not come
        // out of the webhook. Allow it unpatched and say why.
        if PatchedPodCheck.mayViolate(decision.enforcePatch),
            let violation = PatchedPodCheck.introducedViolation(original: object, patched: draft)
        {
            decision.outcome = .internalError
            decision.enforcePatch = []
            decision.warnings += Decision.warnings(about: decision.outcomes, auditMode: false)
            decision.notice("spark-conform internal error: pod allowed unpatched (\(violation))")
            return decision
        }
        decision.warnings += Decision.warnings(about: decision.outcomes, auditMode: policy.mode == .audit)
        switch policy.mode {
        case .enforce:
            decision.sentPatch = decision.enforcePatch
            if !decision.sentPatch.isEmpty {
                decision.outcome = .patched
                decision.admittedPod = draft
            }
        case .audit:
            if !decision.enforcePatch.isEmpty { decision.outcome = .audit }
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
