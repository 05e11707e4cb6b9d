/// What the webhook enforces. `Policy()` is the embedded default, which
/// follows the AWS "Spark on EKS" blog; `DefaultPolicy.yaml` is the same
/// policy written out (a test keeps the two equal). Each rule's section is a
/// `RuleSettings` type in `Sections/`.
public struct Policy: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Patch the pod.
        case enforce
        /// Compute and report what would change; patch nothing.
        case audit
    }

    /// How strongly an affinity term binds.
    public enum Strength: String, Sendable, CaseIterable {
        case required
        case preferred
    }

    public var mode: Mode = .enforce
    /// Empty means every namespace.
    public var includeNamespaces: [String] = []
    public var excludeNamespaces: [String] = ["kube-system"]
    /// Pods can opt out by annotation unless the platform team turns that off.
    public var allowPodOptOut = true
    /// The Pod Security level of namespaces without an `enforce` label: the
    /// cluster default the apiserver's AdmissionConfiguration sets (privileged
    /// unless configured). Labelled namespaces are told by the webhook entry they match.
    public var podSecurityDefault: PodSecurityLevel = .privileged
    /// As eksctl's `fargateProfiles`: pods they select run on Fargate.
    public var fargateProfiles: [FargateProfile] = []

    public var appLabels = AppLabels()
    public var zoneColocation = AffinityTermSettings(topologyKey: "topology.kubernetes.io/zone")
    public var appIsolation = AffinityTermSettings(topologyKey: "kubernetes.io/hostname")
    public var nodeLifecycle = NodeLifecycle()
    public var dedicatedNodes = DedicatedNodes()
    public var localDirs = LocalDirs()
    public var serviceAccount = ServiceAccount()

    public var namespaceOverrides: [String: NamespaceOverride] = [:]

    public init() {}

    public struct Toleration: Sendable, Equatable {
        public var key: String
        public var value: String
        public var effect: String

        public init(key: String, value: String, effect: String) {
            self.key = key
            self.value = value
            self.effect = effect
        }
    }

    public struct NamespaceOverride: Sendable, Equatable {
        public var mode: Mode?
        public var serviceAccount: String?
        public var roleARN: String?
        public var region: String?
        /// The namespace's Pod Security level when it is enforced without a label.
        public var podSecurity: PodSecurityLevel?
        public var rules: [RuleID: Bool] = [:]

        public init() {}
    }
}

extension Policy {
    /// The level pods in `namespace` are judged at: the namespace's label when the
    /// webhook entry tells it, else a namespace override, else the cluster default.
    public func podSecurity(forNamespace namespace: String, label: PodSecurityLevel?) -> PodSecurity {
        if let label { return PodSecurity(level: label, source: .namespaceLabel) }
        if let level = namespaceOverrides[namespace]?.podSecurity { return PodSecurity(level: level, source: .namespaceOverride) }
        return PodSecurity(level: podSecurityDefault, source: .policyDefault)
    }

    /// Whether pods in this namespace are in scope at all.
    public func covers(namespace: String) -> Bool {
        if excludeNamespaces.contains(namespace) { return false }
        return includeNamespaces.isEmpty || includeNamespaces.contains(namespace)
    }
}
