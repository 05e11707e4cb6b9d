import Yams

/// Reads a policy from YAML, validating every field. Fields not given keep
/// the embedded default, so a policy file only states what it changes.
public enum PolicyLoader {
    public static func load(yaml text: String) throws(PolicyError) -> Policy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let detail = String("\(error)".reversed().drop { $0.isNewline }.reversed())
            throw PolicyError(line: nil, field: "", message: "not valid YAML: \(detail)")
        }
        var policy = Policy()
        guard let root, root.tagName != .null else { return policy }
        var fields = try YAMLFields(root, path: "")
        if let mode = try fields.choice("mode", Policy.Mode.self) { policy.mode = mode }
        if var namespaces = try fields.mapping("namespaces") {
            if let include = try namespaces.stringList("include") {
                policy.includeNamespaces = try names(include, field: namespaces.field("include"))
            }
            if let exclude = try namespaces.stringList("exclude") {
                policy.excludeNamespaces = try names(exclude, field: namespaces.field("exclude"))
            }
            try namespaces.rejectUnknown()
        }
        if let allow = try fields.bool("allowPodOptOut") { policy.allowPodOptOut = allow }
        if let profiles = try fields.fargateProfiles() { policy.fargateProfiles = profiles }
        if var podSecurity = try fields.mapping("podSecurity") {
            if let level = try podSecurity.choice("defaultLevel", PodSecurityLevel.self) { policy.podSecurityDefault = level }
            try podSecurity.rejectUnknown()
        }
        if var rules = try fields.mapping("rules") {
            for rule in RuleTable.rules {
                if var section = try rules.mapping(rule.id.rawValue) { try rule.readSettings(&section, into: &policy) }
            }
            try rules.rejectUnknown()
        }
        if var overrides = try fields.mapping("namespaceOverrides") {
            for namespace in overrides.keys {
                try checkName(namespace, line: overrides.line(of: namespace), field: overrides.field(namespace))
                guard var override = try overrides.mapping(namespace) else { continue }
                policy.namespaceOverrides[namespace] = try readOverride(&override)
            }
            try overrides.rejectUnknown()
        }
        try fields.rejectUnknown()
        return policy
    }

    private static func readOverride(_ fields: inout YAMLFields) throws(PolicyError) -> Policy.NamespaceOverride {
        var override = Policy.NamespaceOverride()
        override.mode = try fields.choice("mode", Policy.Mode.self)
        override.podSecurity = try fields.choice("podSecurity", PodSecurityLevel.self)
        override.serviceAccount = try fields.serviceAccountName("serviceAccount")
        // An empty string switches IRSA injection off for this namespace.
        if let arn = try fields.optionalString("roleArn") { override.roleARN = try fields.checkRoleARN(arn, key: "roleArn") ?? "" }
        if let region = try fields.optionalString("region") { override.region = try fields.checkRegion(region, key: "region") ?? "" }
        if var rules = try fields.mapping("rules") {
            for id in RuleTable.ids {
                if let enabled = try rules.bool(id.rawValue) { override.rules[id] = enabled }
            }
            try rules.rejectUnknown()
        }
        try fields.rejectUnknown()
        return override
    }

    // MARK: validation

    private static func names(_ list: [(value: String, line: Int?)], field: String) throws(PolicyError) -> [String] {
        for (index, entry) in list.enumerated() { try checkName(entry.value, line: entry.line, field: "\(field)[\(index)]") }
        return list.map(\.value)
    }

    static func checkName(_ name: String, line: Int?, field: String) throws(PolicyError) {
        guard name.utf8.count <= 63, LabelSyntax.isValidDNSSubdomain(name), !name.contains(".") else {
            throw PolicyError(line: line, field: field, message: "'\(name)' is not a valid namespace name")
        }
    }

    static func checkLabelKey(_ key: String, line: Int?, field: String) throws(PolicyError) {
        guard LabelSyntax.isValidKey(key) else {
            throw PolicyError(line: line, field: field, message: "'\(key)' is not a valid label key")
        }
    }
}
