extension Policy {
    /// `dedicated-nodes`: per role, node labels to select and taints to
    /// tolerate, so Spark runs on node groups of its own. Off by default.
    public struct DedicatedNodes: RuleSettings {
        public struct Placement: Sendable, Equatable {
            public var nodeSelector: [LabelPair] = []
            public var tolerations: [Toleration] = []

            public init(nodeSelector: [LabelPair] = [], tolerations: [Toleration] = []) {
                self.nodeSelector = nodeSelector
                self.tolerations = tolerations
            }

            var isEmpty: Bool { nodeSelector.isEmpty && tolerations.isEmpty }

            mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
                if let entries = try section.nodeSelector("nodeSelector") {
                    nodeSelector = entries.map { LabelPair(key: $0.key, value: $0.value) }
                }
                if let list = try section.tolerations("tolerations") { tolerations = list }
                try section.rejectUnknown()
            }
        }

        public var enabled = false
        public var driver = Placement()
        public var executor = Placement()
        /// Replace a user's conflicting nodeSelector value instead of keeping it.
        public var override = false

        public init() {}

        public func placement(for role: SparkRole) -> Placement { role == .driver ? driver : executor }

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if var fields = try section.mapping("driver") { try driver.read(&fields) }
            if var fields = try section.mapping("executor") { try executor.read(&fields) }
            if let value = try section.bool("override") { override = value }
            try section.rejectUnknown()
        }
    }

    public struct LabelPair: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }
}
