extension Policy {
    /// Node label presets, by how the nodes are provisioned.
    public enum CapacityPreset: String, Sendable, CaseIterable {
        /// Every labelling scheme below at once, satisfiable on any cluster: drivers
        /// require "not Spot" under each, executors prefer Spot under each.
        case auto
        case eksctl
        case eksManaged = "eks-managed"
        case karpenter
        /// EKS Auto Mode: Karpenter's labels on nodes of compute type `auto`.
        case eksAuto = "eks-auto"
        case custom

        /// The schemes `auto` covers: a capacity label and the values that mean Spot
        /// (the first is the one executors prefer). `NotIn` matches a node without the
        /// key, so a driver's requirement under a scheme a cluster lacks never strands it.
        public static let spotLabels: [(key: String, spotValues: [String])] = [
            (key: "node-lifecycle", spotValues: ["spot", "ec2Spot"]),
            (key: "eks.amazonaws.com/capacityType", spotValues: ["SPOT"]),
            (key: "karpenter.sh/capacity-type", spotValues: ["spot"]),
        ]

        public var labelKey: String? {
            switch self {
            case .eksctl: "node-lifecycle"
            case .eksManaged: "eks.amazonaws.com/capacityType"
            case .karpenter, .eksAuto: "karpenter.sh/capacity-type"
            case .auto, .custom: nil
            }
        }

        public var values: (onDemand: String, spot: String)? {
            switch self {
            case .eksctl, .karpenter, .eksAuto: ("on-demand", "spot")
            case .eksManaged: ("ON_DEMAND", "SPOT")
            case .auto, .custom: nil
            }
        }

        /// The Spot taints executors tolerate: the blog's eksctl node groups taint Spot;
        /// `auto` tolerates that and the capacity-label taints teams put on Spot groups.
        public var spotTolerations: [Toleration] {
            switch self {
            case .eksctl: [Toleration(key: "spot", value: "true", effect: "NoSchedule")]
            case .auto:
                [
                    Toleration(key: "spot", value: "true", effect: "NoSchedule"),
                    Toleration(key: "eks.amazonaws.com/capacityType", value: "SPOT", effect: "NoSchedule"),
                    Toleration(key: "karpenter.sh/capacity-type", value: "spot", effect: "NoSchedule"),
                ]
            case .eksManaged, .karpenter, .eksAuto, .custom: []
            }
        }

        /// Selector entries both roles get: Auto Mode's nodes.
        public var nodeSelector: [(key: String, value: String)] {
            self == .eksAuto ? [(key: "eks.amazonaws.com/compute-type", value: "auto")] : []
        }

        /// Annotations drivers get on this capacity: Karpenter's consolidation
        /// must never evict a running driver (the whole application would be lost).
        /// Harmless where Karpenter does not run, so `auto` adds it too.
        public var driverAnnotations: [(key: String, value: String)] {
            switch self {
            case .karpenter, .eksAuto, .auto: [(key: "karpenter.sh/do-not-disrupt", value: "true")]
            case .eksctl, .eksManaged, .custom: []
            }
        }

        /// What local-dirs does when the policy names neither a mode nor host paths:
        /// the blog's eksctl nodes mount NVMe at /pv-disks/local; elsewhere nothing is
        /// known to be mounted there (a hostPath would write to the root volume, outside
        /// kubelet's accounting), and Karpenter's RAID0 instance store already backs emptyDir.
        public var localDirsMode: LocalDirs.Mode { self == .eksctl ? .hostPath : .keep }

        /// Why `localDirsMode` keeps the emptyDir, for explain.
        public var keptLocalDirsReason: String {
            switch self {
            case .karpenter, .eksAuto: "the emptyDir is on the kubelet's disk, NVMe where instanceStorePolicy is RAID0"
            default: "no NVMe mount is known on its nodes, the emptyDir stays on the kubelet's disk"
            }
        }
    }

    /// `node-lifecycle`: the preset gives the label key, values and Spot
    /// tolerations; a field set explicitly replaces the preset's.
    public struct NodeLifecycle: RuleSettings {
        public var enabled = true
        public var preset: CapacityPreset = .auto
        private var explicitLabelKey: String?
        private var explicitOnDemandValue: String?
        private var explicitSpotValue: String?
        /// `.some(nil)`: set explicitly to none.
        private var explicitSpotToleration: Toleration??
        /// Executors prefer Spot (preferred node affinity) instead of requiring it.
        public var preferSpot = false
        public var preferSpotWeight = 100
        /// Replace a user's conflicting value instead of keeping it (not under `auto`,
        /// whose requirements are only ever added to the user's).
        public var override = false

        public init() {}

        /// `auto`, and no label of the policy's own: every known scheme at once.
        public var isAuto: Bool { preset == .auto && explicitLabelKey == nil }

        /// The preset that decides placement, as explain and the audit record name it
        /// (labels of the policy's own under the default make it `custom`).
        public var presetName: String { preset == .auto && !isAuto ? CapacityPreset.custom.rawValue : preset.rawValue }

        public var labelKey: String {
            get { explicitLabelKey ?? preset.labelKey ?? "" }
            set { explicitLabelKey = newValue }
        }

        public var onDemandValue: String {
            get { explicitOnDemandValue ?? preset.values?.onDemand ?? "" }
            set { explicitOnDemandValue = newValue }
        }

        public var spotValue: String {
            get { explicitSpotValue ?? preset.values?.spot ?? "" }
            set { explicitSpotValue = newValue }
        }

        public var spotTolerations: [Toleration] {
            if let explicit = explicitSpotToleration { return explicit.map { [$0] } ?? [] }
            return preset.spotTolerations
        }

        public var spotToleration: Toleration? {
            get { spotTolerations.first }
            set { explicitSpotToleration = .some(newValue) }
        }

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.choice("preset", CapacityPreset.self) { preset = value }
            let key = try section.labelKey("labelKey")
            let onDemand = try section.nonEmptyLabelValue("onDemandValue")
            let spot = try section.nonEmptyLabelValue("spotValue")
            let allThree = (key ?? explicitLabelKey) != nil && (onDemand ?? explicitOnDemandValue) != nil && (spot ?? explicitSpotValue) != nil
            if preset == .custom, !allThree {
                throw PolicyError(
                    line: section.line(of: "preset"), field: section.field("preset"),
                    message: "preset 'custom' needs labelKey, onDemandValue and spotValue")
            }
            // Under auto (the default) a label of the policy's own makes it a custom preset: all three, or none.
            if preset == .auto, !allThree, key != nil || onDemand != nil || spot != nil {
                let field = key != nil ? "labelKey" : onDemand != nil ? "onDemandValue" : "spotValue"
                throw PolicyError(
                    line: section.line(of: field), field: section.field(field),
                    message: "with preset auto (every known label scheme), labelKey, onDemandValue and spotValue go together; or name a preset")
            }
            if let key { labelKey = key }
            if let onDemand { onDemandValue = onDemand }
            if let spot { spotValue = spot }
            if section.keys.contains("spotToleration") {
                if var toleration = try section.mapping("spotToleration") {
                    spotToleration = try toleration.toleration()
                } else {
                    spotToleration = nil
                }
            }
            if let value = try section.bool("preferSpot") { preferSpot = value }
            if let value = try section.int("preferSpotWeight", in: 1...100) { preferSpotWeight = value }
            if let value = try section.bool("override") { override = value }
            try section.rejectUnknown()
        }
    }
}
