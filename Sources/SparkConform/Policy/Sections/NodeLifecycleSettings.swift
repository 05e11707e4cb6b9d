extension Policy {
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

        /// Annotations drivers get on this capacity: Karpenter's consolidation
        /// must never evict a running driver (the whole application would be lost).
        public var driverAnnotations: [(key: String, value: String)] {
            self == .karpenter ? [(key: "karpenter.sh/do-not-disrupt", value: "true")] : []
        }
    }

    /// `node-lifecycle`: the preset gives the label key, values and Spot
    /// toleration; a field set explicitly replaces the preset's.
    public struct NodeLifecycle: RuleSettings {
        public var enabled = true
        public var preset: CapacityPreset = .eksctl
        private var explicitLabelKey: String?
        private var explicitOnDemandValue: String?
        private var explicitSpotValue: String?
        /// `.some(nil)`: set explicitly to none.
        private var explicitSpotToleration: Toleration??
        /// Executors prefer Spot (preferred node affinity) instead of requiring it.
        public var preferSpot = false
        public var preferSpotWeight = 100
        /// Replace a user's conflicting value instead of keeping it.
        public var override = false

        public init() {}

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

        public var spotToleration: Toleration? {
            get { explicitSpotToleration ?? preset.spotToleration }
            set { explicitSpotToleration = .some(newValue) }
        }

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.choice("preset", CapacityPreset.self) { preset = value }
            let key = try section.labelKey("labelKey")
            let onDemand = try section.nonEmptyLabelValue("onDemandValue")
            let spot = try section.nonEmptyLabelValue("spotValue")
            if preset == .custom, (key ?? explicitLabelKey) == nil || (onDemand ?? explicitOnDemandValue) == nil
                || (spot ?? explicitSpotValue) == nil
            {
                throw PolicyError(
                    line: section.line(of: "preset"), field: section.field("preset"),
                    message: "preset 'custom' needs labelKey, onDemandValue and spotValue")
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
