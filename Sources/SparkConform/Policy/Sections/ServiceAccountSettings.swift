extension Policy {
    /// `service-account`.
    public struct ServiceAccount: RuleSettings {
        public var enabled = true
        public var roles: Set<SparkRole> = [.driver, .executor]
        public var name = "spark"
        /// When set, inject what the EKS pod-identity webhook would (IRSA).
        public var roleARN: String?
        public var region: String?

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.roles() { roles = value }
            if let value = try section.serviceAccountName("name") { name = value }
            if let arn = try section.optionalString("roleArn") { roleARN = try section.checkRoleARN(arn, key: "roleArn") }
            if let value = try section.optionalString("region") { region = try section.checkRegion(value, key: "region") }
            try section.rejectUnknown()
        }
    }
}
