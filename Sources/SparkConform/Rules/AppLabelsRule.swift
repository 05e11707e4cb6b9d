import SparkConformJSON

/// The blog's `spark/app` and `spark/component` labels, added when missing.
/// A Fargate profile selects pods by namespace and labels, after this webhook
/// (its own runs later): the landing the rules judge by is computed on the
/// labels this rule leaves (`labelsItWillAdd`), exactly as EKS will see them.
public struct AppLabelsRule: PodRule {
    public let id = RuleID.appLabels
    public var policySection: WritableKeyPath<Policy, Policy.AppLabels> { \.appLabels }

    public init() {}

    public func labelsItWillAdd(_ context: RuleContext) -> [(key: String, value: String)] {
        Self.additions(to: context.original, role: context.role, settings: context.policy.appLabels)
    }

    /// The labels this rule adds to a pod (those it is missing).
    static func additions(to pod: PodView, role: SparkRole, settings: Policy.AppLabels) -> [(key: String, value: String)] {
        var added: [(key: String, value: String)] = []
        if pod.label(settings.appKey) == nil, let name = pod.label(SparkLabels.appName), LabelSyntax.isValidValue(name) {
            added.append((key: settings.appKey, value: name))
        }
        if pod.label(settings.componentKey) == nil { added.append((key: settings.componentKey, value: role.rawValue)) }
        return added
    }

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.appLabels
        let added = Self.additions(to: context.original, role: context.role, settings: settings)
        for label in added { pod[path: ["metadata", "labels", label.key]] = .string(label.value) }
        var notes: [String] = []
        if context.original.label(settings.appKey) == nil, added.first(where: { $0.key == settings.appKey }) == nil {
            notes.append("no \(SparkLabels.appName) label (Spark before 3.3) to name the app by")
        }
        if added.isEmpty {
            return notes.isEmpty ? satisfied("pod already has \(settings.appKey) and \(settings.componentKey)") : satisfied(notes.joined(separator: "; "))
        }
        return applied((added.map { "label \($0.key)=\($0.value)" } + notes).joined(separator: "; "))
    }
}

extension RuleID {
    public static let appLabels = RuleID(declaring: "app-labels")
}
