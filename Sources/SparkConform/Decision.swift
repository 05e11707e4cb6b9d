import SparkConformJSON

/// The decision for one admission request: what the cluster gets (`sentPatch`,
/// `admittedPod`), what enforce mode would send (`enforcePatch`), and
/// everything needed to explain it (warnings, audit annotations, each rule's
/// outcome). Consumers read the result from here; nothing re-applies the
/// patch to find out what it did. Every rendering of it is in one file,
/// `Preview/DecisionRendering.swift`.
public struct Decision: Sendable {
    /// What happened to the pod, as metrics and the audit log count it.
    public enum Outcome: String, Sendable, CaseIterable {
        /// The pod is sent back with a non-empty patch.
        case patched
        /// Nothing to change, or the request is out of scope (`reason` says why).
        case unchanged
        /// Audit mode: the rules would change the pod; nothing is patched.
        case audit
        /// The rules produced a pod the apiserver would refuse: allowed unpatched, with a warning.
        case internalError = "internal_error"
    }

    public var outcome: Outcome = .unchanged
    /// What `/mutate` sends: `enforcePatch` in enforce mode, empty in audit mode.
    public var sentPatch: [PatchOperation] = []
    /// What the cluster gets: the pod after `sentPatch` (as received when nothing is sent).
    public var admittedPod: JSONValue = .null
    /// What enforce mode would send (equal to `sentPatch` in enforce mode): audit mode reports it.
    public var enforcePatch: [PatchOperation] = []
    /// Why nothing was evaluated (not a Spark pod, UPDATE, opted out…); nil when the rules ran.
    public var reason: String?
    public var outcomes: [RuleOutcome] = []
    public var warnings: [String] = []
    public var mode: Policy.Mode = .enforce
    public var role: SparkRole?
    public var appID: String?
    public var podName = ""
    /// The Pod Security level the pod is judged at, and how the webhook knows it (when the rules ran).
    public var podSecurity: PodSecurity?
    /// Where the pod will run (when the rules ran).
    public var landing: Landing?
    /// What local-dirs makes of emptyDir local dirs there (its level and landing decide).
    public var localDirsMode: Policy.LocalDirs.Mode?
    /// What decided `localDirsMode`: the policy, the capacity preset, the Pod Security level, Fargate.
    public var localDirsModeSource: Policy.LocalDirs.ModeSource?
    /// The capacity preset placing the pod on EC2 (`Policy.NodeLifecycle.presetName`).
    public var capacityPreset: String?
    /// The rules a view shows (`showing(_:)`); nil for the whole decision.
    public var rulesShown: [RuleID]?
    /// Warnings not about one rule (opt-out annotations, the safety check), also in `warnings`.
    public var notices: [String] = []

    public var conflicts: [Conflict] { outcomes.flatMap(\.conflicts) }

    /// A warning not about one rule: kept apart so a view of some rules can show it.
    mutating func notice(_ warning: String) {
        let clipped = Mutator.clip(warning)
        notices.append(clipped)
        warnings.append(clipped)
    }

    /// Keys without `/`, at most 63 characters: the apiserver prefixes them
    /// with the webhook's name and writes them into the cluster audit log.
    /// Their values describe the pod as it leaves the webhook, not what this
    /// call did, so that a reinvocation (which finds everything in place) sends
    /// the same values: the apiserver refuses to overwrite an annotation a
    /// first call set. (Whether a call mutated is in the apiserver's own
    /// `mutation.webhook.admission.k8s.io` annotations.)
    public var auditAnnotations: [(key: String, value: String)] {
        guard reason == nil else { return [] }
        // One pass over the outcomes: this runs on every admission response.
        func add(_ item: String, to list: inout String, separator: String = ",") {
            list += list.isEmpty ? item : separator + item
        }
        var met = "", wouldApply = "", skipped = "", conflicts = ""
        for outcome in outcomes {
            switch outcome.status {
            case .applied where mode == .audit: add(outcome.rule.rawValue, to: &wouldApply)
            case .applied, .satisfied: add(outcome.rule.rawValue, to: &met)
            case .skipped: add(outcome.rule.rawValue, to: &skipped)
            }
            for conflict in outcome.conflicts where conflict.resolution == .keptPodValue {
                add(conflict.summary, to: &conflicts, separator: "; ")
            }
        }
        var annotations: [(key: String, value: String)] = [(key: "mode", value: mode.rawValue)]
        if !met.isEmpty { annotations.append((key: "rules-met", value: met)) }
        if !wouldApply.isEmpty { annotations.append((key: "rules-would-apply", value: wouldApply)) }
        if !skipped.isEmpty { annotations.append((key: "rules-skipped", value: skipped)) }
        if !conflicts.isEmpty { annotations.append((key: "conflicts", value: conflicts)) }
        return annotations
    }
}
