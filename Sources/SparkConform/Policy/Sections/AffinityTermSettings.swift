extension Policy {
    /// The section of a rule that adds one pod (anti-)affinity term:
    /// `zone-colocation` and `app-isolation`.
    public struct AffinityTermSettings: RuleSettings {
        public var enabled = true
        public var strength: Strength = .required
        /// Used when preferred.
        public var weight = 100
        public var topologyKey: String

        public init(topologyKey: String) { self.topologyKey = topologyKey }

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.choice("strength", Strength.self) { strength = value }
            if let value = try section.int("weight", in: 1...100) { weight = value }
            if let value = try section.labelKey("topologyKey") { topologyKey = value }
            try section.rejectUnknown()
        }
    }
}
