/// What the webhook enforces. `Policy()` is the embedded default, which
/// follows the AWS "Spark on EKS" blog; `DefaultPolicy.yaml` is the same
/// policy written out (a test keeps the two equal).
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

    public var zoneColocation = ZoneColocation()
    public var appIsolation = AppIsolation()
    public var nodeLifecycle = NodeLifecycle()
    public var localDirs = LocalDirs()
    public var serviceAccount = ServiceAccount()

    public var namespaceOverrides: [String: NamespaceOverride] = [:]

    public init() {}

    public struct ZoneColocation: Sendable, Equatable {
        public var enabled = true
        public var strength: Strength = .required
        public var weight = 100
        public var topologyKey = "topology.kubernetes.io/zone"
    }

    public struct AppIsolation: Sendable, Equatable {
        public var enabled = true
        public var strength: Strength = .required
        public var weight = 100
        public var topologyKey = "kubernetes.io/hostname"
    }

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

    /// Node label presets, by how the nodes are provisioned.
    public enum CapacityPreset: String, Sendable, CaseIterable {
        case eksctl
        case eksManaged = "eks-managed"
        case karpenter
        case custom

        public var labelKey: String? {
            switch self {
            case .eksctl: "node-lifecycle"
            case .eksManaged: "eks.amazonaws.com/capacityType"
            case .karpenter: "karpenter.sh/capacity-type"
            case .custom: nil
            }
        }

        public var values: (onDemand: String, spot: String)? {
            switch self {
            case .eksctl, .karpenter: ("on-demand", "spot")
            case .eksManaged: ("ON_DEMAND", "SPOT")
            case .custom: nil
            }
        }

        /// Only the blog's eksctl node groups taint Spot nodes.
        public var spotToleration: Toleration? {
            self == .eksctl ? Toleration(key: "spot", value: "true", effect: "NoSchedule") : nil
        }
    }

    public struct NodeLifecycle: Sendable, Equatable {
        public var enabled = true
        public var preset: CapacityPreset = .eksctl
        public var labelKey = "node-lifecycle"
        public var onDemandValue = "on-demand"
        public var spotValue = "spot"
        public var spotToleration: Toleration? = Toleration(key: "spot", value: "true", effect: "NoSchedule")
        /// Executors prefer Spot (preferred node affinity) instead of requiring it.
        public var preferSpot = false
        public var preferSpotWeight = 100
        /// Replace a user's conflicting nodeSelector value instead of keeping it.
        public var override = false
    }

    public struct InitContainer: Sendable, Equatable {
        public var image = "public.ecr.aws/docker/library/busybox:1.36"
        public var cpuRequest = "10m"
        public var memoryRequest = "16Mi"
        public var cpuLimit = "100m"
        public var memoryLimit = "64Mi"
    }

    public struct LocalDirs: Sendable, Equatable {
        public var enabled = true
        public var roles: Set<SparkRole> = [.executor]
        public var hostPaths = ["/pv-disks/local"]
        /// Spark's images run as uid and gid 185.
        public var uid = 185
        public var gid = 185
        public var initContainer = InitContainer()
    }

    public struct ServiceAccount: Sendable, Equatable {
        public var enabled = true
        public var roles: Set<SparkRole> = [.driver, .executor]
        public var name = "spark"
        /// When set, inject what the EKS pod-identity webhook would (IRSA).
        public var roleARN: String?
        public var region: String?
    }

    public struct NamespaceOverride: Sendable, Equatable {
        public var mode: Mode?
        public var serviceAccount: String?
        public var roleARN: String?
        public var region: String?
        public var rules: [RuleID: Bool] = [:]

        public init() {}
    }
}

extension Policy {
    /// The policy that applies in one namespace, overrides folded in.
    public func resolved(forNamespace namespace: String) -> Policy {
        guard let override = namespaceOverrides[namespace] else { return self }
        var policy = self
        if let mode = override.mode { policy.mode = mode }
        if let name = override.serviceAccount { policy.serviceAccount.name = name }
        if let arn = override.roleARN { policy.serviceAccount.roleARN = arn.isEmpty ? nil : arn }
        if let region = override.region { policy.serviceAccount.region = region.isEmpty ? nil : region }
        for (rule, enabled) in override.rules { policy.setEnabled(rule, enabled) }
        return policy
    }

    public func isEnabled(_ rule: RuleID) -> Bool {
        switch rule {
        case .zoneColocation: zoneColocation.enabled
        case .appIsolation: appIsolation.enabled
        case .nodeLifecycle: nodeLifecycle.enabled
        case .localDirs: localDirs.enabled
        case .serviceAccount: serviceAccount.enabled
        }
    }

    public mutating func setEnabled(_ rule: RuleID, _ enabled: Bool) {
        switch rule {
        case .zoneColocation: zoneColocation.enabled = enabled
        case .appIsolation: appIsolation.enabled = enabled
        case .nodeLifecycle: nodeLifecycle.enabled = enabled
        case .localDirs: localDirs.enabled = enabled
        case .serviceAccount: serviceAccount.enabled = enabled
        }
    }

    /// Whether pods in this namespace are in scope at all.
    public func covers(namespace: String) -> Bool {
        if excludeNamespaces.contains(namespace) { return false }
        return includeNamespaces.isEmpty || includeNamespaces.contains(namespace)
    }
}
