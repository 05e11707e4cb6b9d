extension Policy {
    /// `app-labels`: the blog's labels, so a Fargate profile (or anything else)
    /// can select a plain spark-submit's pods with no `--conf` lines.
    /// Off by default: labels on every Spark pod are a visible change a platform
    /// team chooses (for a Fargate profile that selects them).
    public struct AppLabels: RuleSettings {
        public var enabled = false
        /// Set to the application's name (Spark's `spark-app-name` label).
        public var appKey = "spark/app"
        /// Set to `driver` or `executor`.
        public var componentKey = "spark/component"

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.labelKey("appKey") { appKey = value }
            if let value = try section.labelKey("componentKey") { componentKey = value }
            try section.rejectUnknown()
        }
    }
}
