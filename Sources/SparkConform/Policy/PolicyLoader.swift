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
        if var rules = try fields.mapping("rules") {
            if var rule = try rules.mapping(RuleID.zoneColocation.rawValue) {
                try readAffinity(&rule, enabled: &policy.zoneColocation.enabled, strength: &policy.zoneColocation.strength,
                    weight: &policy.zoneColocation.weight, topologyKey: &policy.zoneColocation.topologyKey)
            }
            if var rule = try rules.mapping(RuleID.appIsolation.rawValue) {
                try readAffinity(&rule, enabled: &policy.appIsolation.enabled, strength: &policy.appIsolation.strength,
                    weight: &policy.appIsolation.weight, topologyKey: &policy.appIsolation.topologyKey)
            }
            if var rule = try rules.mapping(RuleID.nodeLifecycle.rawValue) {
                policy.nodeLifecycle = try readNodeLifecycle(&rule)
            }
            if var rule = try rules.mapping(RuleID.localDirs.rawValue) {
                try readLocalDirs(&rule, into: &policy.localDirs)
            }
            if var rule = try rules.mapping(RuleID.serviceAccount.rawValue) {
                try readServiceAccount(&rule, into: &policy.serviceAccount)
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

    private static func readAffinity(
        _ rule: inout YAMLFields, enabled: inout Bool, strength: inout Policy.Strength, weight: inout Int,
        topologyKey: inout String
    ) throws(PolicyError) {
        if let value = try rule.bool("enabled") { enabled = value }
        if let value = try rule.choice("strength", Policy.Strength.self) { strength = value }
        if let value = try rule.int("weight", in: 1...100) { weight = value }
        if let value = try rule.string("topologyKey") {
            try checkLabelKey(value, line: rule.line(of: "topologyKey"), field: rule.field("topologyKey"))
            topologyKey = value
        }
        try rule.rejectUnknown()
    }

    private static func readNodeLifecycle(_ rule: inout YAMLFields) throws(PolicyError) -> Policy.NodeLifecycle {
        var settings = Policy.NodeLifecycle()
        if let enabled = try rule.bool("enabled") { settings.enabled = enabled }
        // The preset fills in keys and values first; explicit fields then override it.
        let preset = try rule.choice("preset", Policy.CapacityPreset.self) ?? settings.preset
        settings.preset = preset
        if let key = preset.labelKey, let values = preset.values {
            settings.labelKey = key
            settings.onDemandValue = values.onDemand
            settings.spotValue = values.spot
        }
        settings.spotToleration = preset.spotToleration
        let explicitKey = try rule.string("labelKey")
        let explicitOnDemand = try rule.string("onDemandValue")
        let explicitSpot = try rule.string("spotValue")
        if preset == .custom, explicitKey == nil || explicitOnDemand == nil || explicitSpot == nil {
            throw PolicyError(
                line: rule.line(of: "preset"), field: rule.field("preset"),
                message: "preset 'custom' needs labelKey, onDemandValue and spotValue")
        }
        if let key = explicitKey {
            try checkLabelKey(key, line: rule.line(of: "labelKey"), field: rule.field("labelKey"))
            settings.labelKey = key
        }
        for (name, value) in [("onDemandValue", explicitOnDemand), ("spotValue", explicitSpot)] {
            guard let value else { continue }
            guard !value.isEmpty, LabelSyntax.isValidValue(value) else {
                throw PolicyError(line: rule.line(of: name), field: rule.field(name), message: "'\(value)' is not a valid label value")
            }
            if name == "onDemandValue" { settings.onDemandValue = value } else { settings.spotValue = value }
        }
        if rule.keys.contains("spotToleration") {
            if var toleration = try rule.mapping("spotToleration") {
                settings.spotToleration = try readToleration(&toleration)
            } else {
                settings.spotToleration = nil
            }
        }
        if let prefer = try rule.bool("preferSpot") { settings.preferSpot = prefer }
        if let weight = try rule.int("preferSpotWeight", in: 1...100) { settings.preferSpotWeight = weight }
        if let override = try rule.bool("override") { settings.override = override }
        try rule.rejectUnknown()
        return settings
    }

    static let taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    private static func readToleration(_ fields: inout YAMLFields) throws(PolicyError) -> Policy.Toleration {
        guard let key = try fields.string("key") else {
            throw PolicyError(line: fields.node.mark?.line, field: fields.field("key"), message: "is required")
        }
        try checkLabelKey(key, line: fields.line(of: "key"), field: fields.field("key"))
        let value = try fields.string("value") ?? ""
        guard LabelSyntax.isValidValue(value) else {
            throw PolicyError(line: fields.line(of: "value"), field: fields.field("value"), message: "'\(value)' is not a valid label value")
        }
        let effect = try fields.string("effect") ?? "NoSchedule"
        guard taintEffects.contains(effect) else {
            throw PolicyError(
                line: fields.line(of: "effect"), field: fields.field("effect"),
                message: "'\(effect)' is not one of: \(taintEffects.joined(separator: ", "))")
        }
        try fields.rejectUnknown()
        return Policy.Toleration(key: key, value: value, effect: effect)
    }

    private static func readLocalDirs(_ rule: inout YAMLFields, into settings: inout Policy.LocalDirs) throws(PolicyError) {
        if let enabled = try rule.bool("enabled") { settings.enabled = enabled }
        if let roles = try readRoles(&rule) { settings.roles = roles }
        if let paths = try rule.stringList("hostPaths") {
            guard !paths.isEmpty else {
                throw PolicyError(line: rule.line(of: "hostPaths"), field: rule.field("hostPaths"), message: "needs at least one path")
            }
            for (index, path) in paths.enumerated() where !isAbsolutePath(path.value) {
                throw PolicyError(
                    line: path.line, field: "\(rule.field("hostPaths"))[\(index)]",
                    message: "'\(path.value)' is not an absolute path")
            }
            settings.hostPaths = paths.map(\.value)
        }
        if let uid = try rule.int("uid", in: 0...Int(Int32.max)) { settings.uid = uid }
        if let gid = try rule.int("gid", in: 0...Int(Int32.max)) { settings.gid = gid }
        if var container = try rule.mapping("initContainer") {
            if let image = try container.string("image") {
                guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
                    throw PolicyError(line: container.line(of: "image"), field: container.field("image"), message: "'\(image)' is not an image reference")
                }
                settings.initContainer.image = image
            }
            if var resources = try container.mapping("resources") {
                for section in ["requests", "limits"] {
                    guard var quantities = try resources.mapping(section) else { continue }
                    for resource in ["cpu", "memory"] {
                        guard let quantity = try quantities.string(resource) else { continue }
                        guard isQuantity(quantity) else {
                            throw PolicyError(
                                line: quantities.line(of: resource), field: quantities.field(resource),
                                message: "'\(quantity)' is not a Kubernetes quantity")
                        }
                        switch (section, resource) {
                        case ("requests", "cpu"): settings.initContainer.cpuRequest = quantity
                        case ("requests", _): settings.initContainer.memoryRequest = quantity
                        case (_, "cpu"): settings.initContainer.cpuLimit = quantity
                        default: settings.initContainer.memoryLimit = quantity
                        }
                    }
                    try quantities.rejectUnknown()
                }
                try resources.rejectUnknown()
            }
            try container.rejectUnknown()
        }
        try rule.rejectUnknown()
    }

    private static func readServiceAccount(_ rule: inout YAMLFields, into settings: inout Policy.ServiceAccount) throws(PolicyError) {
        if let enabled = try rule.bool("enabled") { settings.enabled = enabled }
        if let roles = try readRoles(&rule) { settings.roles = roles }
        if let name = try rule.string("name") {
            try checkServiceAccount(name, line: rule.line(of: "name"), field: rule.field("name"))
            settings.name = name
        }
        if let arn = try rule.optionalString("roleArn") { settings.roleARN = try checkRoleARN(arn, in: rule, key: "roleArn") }
        if let region = try rule.optionalString("region") { settings.region = try checkRegion(region, in: rule, key: "region") }
        try rule.rejectUnknown()
    }

    private static func readOverride(_ fields: inout YAMLFields) throws(PolicyError) -> Policy.NamespaceOverride {
        var override = Policy.NamespaceOverride()
        override.mode = try fields.choice("mode", Policy.Mode.self)
        if let name = try fields.string("serviceAccount") {
            try checkServiceAccount(name, line: fields.line(of: "serviceAccount"), field: fields.field("serviceAccount"))
            override.serviceAccount = name
        }
        // An empty string switches IRSA injection off for this namespace.
        if let arn = try fields.optionalString("roleArn") { override.roleARN = try checkRoleARN(arn, in: fields, key: "roleArn") ?? "" }
        if let region = try fields.optionalString("region") { override.region = try checkRegion(region, in: fields, key: "region") ?? "" }
        if var rules = try fields.mapping("rules") {
            for rule in RuleID.allCases {
                if let enabled = try rules.bool(rule.rawValue) { override.rules[rule] = enabled }
            }
            try rules.rejectUnknown()
        }
        try fields.rejectUnknown()
        return override
    }

    private static func readRoles(_ rule: inout YAMLFields) throws(PolicyError) -> Set<SparkRole>? {
        guard let list = try rule.stringList("roles") else { return nil }
        var roles: Set<SparkRole> = []
        for (index, entry) in list.enumerated() {
            guard let role = SparkRole(rawValue: entry.value) else {
                throw PolicyError(
                    line: entry.line, field: "\(rule.field("roles"))[\(index)]",
                    message: "'\(entry.value)' is not one of: driver, executor")
            }
            roles.insert(role)
        }
        return roles
    }

    // MARK: validation

    private static func names(_ list: [(value: String, line: Int?)], field: String) throws(PolicyError) -> [String] {
        for (index, entry) in list.enumerated() { try checkName(entry.value, line: entry.line, field: "\(field)[\(index)]") }
        return list.map(\.value)
    }

    private static func checkName(_ name: String, line: Int?, field: String) throws(PolicyError) {
        guard name.utf8.count <= 63, LabelSyntax.isValidDNSSubdomain(name), !name.contains(".") else {
            throw PolicyError(line: line, field: field, message: "'\(name)' is not a valid namespace name")
        }
    }

    private static func checkServiceAccount(_ name: String, line: Int?, field: String) throws(PolicyError) {
        guard LabelSyntax.isValidDNSSubdomain(name) else {
            throw PolicyError(line: line, field: field, message: "'\(name)' is not a valid service account name")
        }
    }

    private static func checkLabelKey(_ key: String, line: Int?, field: String) throws(PolicyError) {
        guard LabelSyntax.isValidKey(key) else {
            throw PolicyError(line: line, field: field, message: "'\(key)' is not a valid label key")
        }
    }

    private static func checkRoleARN(_ arn: String?, in fields: YAMLFields, key: String) throws(PolicyError) -> String? {
        guard let arn, !arn.isEmpty else { return nil }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "iam",
            parts[4].count == 12, parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("role/"), parts[5].count > 5
        else {
            throw PolicyError(
                line: fields.line(of: key), field: fields.field(key),
                message: "'\(arn)' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)")
        }
        return arn
    }

    private static func checkRegion(_ region: String?, in fields: YAMLFields, key: String) throws(PolicyError) -> String? {
        guard let region, !region.isEmpty else { return nil }
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLowercase && $0.isASCII } }),
            let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber)
        else {
            throw PolicyError(line: fields.line(of: key), field: fields.field(key), message: "'\(region)' is not an AWS region (like us-east-1)")
        }
        return region
    }

    private static func isAbsolutePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.contains("\0") && !path.split(separator: "/").contains("..")
    }

    /// Kubernetes resource quantity: a decimal number with an optional suffix.
    static func isQuantity(_ text: String) -> Bool {
        let suffixes = ["", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        guard let numberEnd = text.firstIndex(where: { !($0.isNumber && $0.isASCII) && $0 != "." }) ?? Optional(text.endIndex)
        else { return false }
        let number = text[..<numberEnd]
        let suffix = String(text[numberEnd...])
        return !number.isEmpty && number.filter { $0 == "." }.count <= 1 && number != "." && suffixes.contains(suffix)
    }
}
