/// Readers for the Kubernetes values policy sections share (label keys and
/// values, roles, tolerations, names), each naming the line and field of a
/// wrong value.
extension YAMLFields {
    mutating func labelKey(_ key: String) throws(PolicyError) -> String? {
        guard let value = try string(key) else { return nil }
        try PolicyLoader.checkLabelKey(value, line: line(of: key), field: field(key))
        return value
    }

    /// A label value that may not be empty (a node label the scheduler must match).
    mutating func nonEmptyLabelValue(_ key: String) throws(PolicyError) -> String? {
        guard let value = try string(key) else { return nil }
        guard !value.isEmpty, LabelSyntax.isValidValue(value) else {
            throw PolicyError(line: line(of: key), field: field(key), message: "'\(value)' is not a valid label value")
        }
        return value
    }

    mutating func roles() throws(PolicyError) -> Set<SparkRole>? {
        guard let list = try stringList("roles") else { return nil }
        var roles: Set<SparkRole> = []
        for (index, entry) in list.enumerated() {
            guard let role = SparkRole(rawValue: entry.value) else {
                throw PolicyError(
                    line: entry.line, field: "\(field("roles"))[\(index)]",
                    message: "'\(entry.value)' is not one of: driver, executor")
            }
            roles.insert(role)
        }
        return roles
    }

    static let taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    /// This mapping as a toleration: `key` required, `value` a label value, `effect` a taint effect.
    mutating func toleration() throws(PolicyError) -> Policy.Toleration {
        guard let key = try labelKey("key") else {
            throw PolicyError(line: node.mark?.line, field: field("key"), message: "is required")
        }
        let value = try string("value") ?? ""
        guard LabelSyntax.isValidValue(value) else {
            throw PolicyError(line: line(of: "value"), field: field("value"), message: "'\(value)' is not a valid label value")
        }
        let effect = try string("effect") ?? "NoSchedule"
        guard Self.taintEffects.contains(effect) else {
            throw PolicyError(
                line: line(of: "effect"), field: field("effect"),
                message: "'\(effect)' is not one of: \(Self.taintEffects.joined(separator: ", "))")
        }
        try rejectUnknown()
        return Policy.Toleration(key: key, value: value, effect: effect)
    }

    /// A list of tolerations, each a mapping.
    mutating func tolerations(_ key: String) throws(PolicyError) -> [Policy.Toleration]? {
        guard let node = take(key), node.tagName != .null else { return nil }
        guard case .sequence(let sequence) = node else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be a list, not \(Self.kind(of: node))")
        }
        var tolerations: [Policy.Toleration] = []
        for (index, element) in sequence.enumerated() {
            var entry = try YAMLFields(element, path: "\(field(key))[\(index)]")
            tolerations.append(try entry.toleration())
        }
        return tolerations
    }

    /// A mapping of node label keys to values, kept in the order written.
    mutating func nodeSelector(_ key: String) throws(PolicyError) -> [(key: String, value: String)]? {
        guard var selector = try mapping(key) else { return nil }
        var entries: [(key: String, value: String)] = []
        for label in selector.keys {
            guard let value = try selector.string(label) else { continue }
            try PolicyLoader.checkLabelKey(label, line: selector.line(of: label), field: selector.field(label))
            guard LabelSyntax.isValidValue(value) else {
                throw PolicyError(line: selector.line(of: label), field: selector.field(label), message: "'\(value)' is not a valid label value")
            }
            entries.append((key: label, value: value))
        }
        try selector.rejectUnknown()
        return entries
    }
}

extension YAMLFields {
    mutating func serviceAccountName(_ key: String) throws(PolicyError) -> String? {
        guard let name = try string(key) else { return nil }
        guard LabelSyntax.isValidDNSSubdomain(name) else {
            throw PolicyError(line: line(of: key), field: field(key), message: "'\(name)' is not a valid service account name")
        }
        return name
    }

    /// nil or empty means none.
    func checkRoleARN(_ arn: String?, key: String) throws(PolicyError) -> String? {
        guard let arn, !arn.isEmpty else { return nil }
        guard AWSNames.isIAMRoleARN(arn) else {
            throw PolicyError(
                line: line(of: key), field: field(key),
                message: "'\(arn)' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)")
        }
        return arn
    }

    /// nil or empty means none.
    func checkRegion(_ region: String?, key: String) throws(PolicyError) -> String? {
        guard let region, !region.isEmpty else { return nil }
        guard AWSNames.isRegion(region) else {
            throw PolicyError(line: line(of: key), field: field(key), message: "'\(region)' is not an AWS region (like us-east-1)")
        }
        return region
    }
}
