extension Policy {
    /// `service-account`.
    public struct ServiceAccount: RuleSettings {
        public var enabled = true
        public var roles: Set<SparkRole> = [.driver, .executor]
        public var name = "spark"
        /// Namespaces where `name` is known to exist (`*`: every namespace). The
        /// apiserver refuses a pod whose account does not exist, so the account is
        /// set only where it is known to: here, by a namespace override naming it,
        /// or by the request coming from that very account.
        public var existsIn: [String] = []
        /// When set, inject what the EKS pod-identity webhook would (IRSA).
        public var roleARN: String?
        public var region: String?

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.roles() { roles = value }
            if let value = try section.serviceAccountName("name") { name = value }
            if let list = try section.stringList("existsIn") {
                for (index, entry) in list.enumerated() where entry.value != "*" {
                    try PolicyLoader.checkName(entry.value, line: entry.line, field: "\(section.field("existsIn"))[\(index)]")
                }
                existsIn = list.map(\.value)
            }
            if let arn = try section.optionalString("roleArn") { roleARN = try section.checkRoleARN(arn, key: "roleArn") }
            if let value = try section.optionalString("region") { region = try section.checkRegion(value, key: "region") }
            try section.rejectUnknown()
        }
    }
}

extension Policy.ServiceAccount {
    /// Whether the policy states that `name` exists in `namespace`.
    public func statedToExist(in namespace: String) -> Bool {
        existsIn.contains("*") || existsIn.contains(namespace)
    }
}
