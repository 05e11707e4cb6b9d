/// The Pod Security Standards' levels, which Pod Security Admission enforces
/// per namespace (`pod-security.kubernetes.io/enforce`) after every mutating
/// webhook: a patch must not add what the pod's level forbids.
public enum PodSecurityLevel: String, Sendable, CaseIterable, Comparable {
    case privileged
    case baseline
    case restricted

    /// hostPath volumes: privileged only.
    public var allowsHostPath: Bool { self == .privileged }

    /// A root container with CHOWN and DAC_OVERRIDE: not at restricted (root, added capabilities).
    public var allowsRootInitContainer: Bool { self != .restricted }

    /// The path the chart's webhook entry for namespaces labelled with this level calls
    /// (a service reference takes a path, not a query).
    public var webhookPath: String { "\(Self.unlabelledWebhookPath)/\(rawValue)" }

    /// The path of the entry for namespaces without an `enforce` label.
    public static let unlabelledWebhookPath = "/mutate"

    /// Every path the chart's four entries call.
    public static var webhookPaths: [String] { [unlabelledWebhookPath] + allCases.map(\.webhookPath) }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The level a pod is judged at, and how the webhook knows it.
public struct PodSecurity: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// The namespace's `enforce` label, told by the webhook entry that matched it.
        case namespaceLabel = "namespace label"
        /// A namespace override in the policy (a namespace enforced without a label).
        case namespaceOverride = "namespace override"
        /// The policy's cluster default (the apiserver's AdmissionConfiguration default).
        case policyDefault = "policy default"
    }

    public var level: PodSecurityLevel
    public var source: Source

    public init(level: PodSecurityLevel, source: Source) {
        self.level = level
        self.source = source
    }

    public var description: String { "\(level.rawValue) (\(source.rawValue))" }
}
