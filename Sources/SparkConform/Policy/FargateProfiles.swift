extension Policy {
    /// A Fargate profile as eksctl's `fargateProfiles` writes it: selectors of a
    /// namespace and labels (both may use EKS's `*` and `?` wildcards).
    public struct FargateProfile: Sendable, Equatable {
        public struct Selector: Sendable, Equatable {
            public var namespace: String
            public var labels: [LabelPair]

            public init(namespace: String, labels: [LabelPair] = []) {
                self.namespace = namespace
                self.labels = labels
            }

            /// Every label of the selector on the pod, the namespace matching.
            public func selects(namespace podNamespace: String, labels podLabels: [String: String]) -> Bool {
                FargateWildcard.matches(namespace, podNamespace)
                    && labels.allSatisfy { label in podLabels[label.key].map { FargateWildcard.matches(label.value, $0) } ?? false }
            }
        }

        public var name: String
        public var selectors: [Selector]

        public init(name: String, selectors: [Selector]) {
            self.name = name
            self.selectors = selectors
        }
    }

    /// Where a pod lands: bound to Fargate already, selected by a profile on the
    /// labels it will have (`labels`), or on EC2 capacity.
    public func landing(of pod: PodView, namespace: String, labels: [String: String]) -> Landing {
        if let profile = pod.label(Landing.profileLabel) {
            return .fargate(profile: profile, how: "label \(Landing.profileLabel)")
        }
        if pod.json[path: ["spec", "schedulerName"]]?.stringValue == Landing.schedulerName {
            return .fargate(profile: "", how: "schedulerName \(Landing.schedulerName)")
        }
        for profile in fargateProfiles {
            if let selector = profile.selectors.first(where: { $0.selects(namespace: namespace, labels: labels) }) {
                let labelText = selector.labels.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                return .fargate(profile: profile.name, how: "namespace \(selector.namespace)" + (labelText.isEmpty ? "" : ", labels \(labelText)"))
            }
        }
        return .ec2
    }
}

extension YAMLFields {
    /// `fargate: {profiles: [{name, selectors: [{namespace, labels}]}]}`; values may use `*` and `?`.
    mutating func fargateProfiles() throws(PolicyError) -> [Policy.FargateProfile]? {
        guard var fargate = try mapping("fargate") else { return nil }
        var profiles: [Policy.FargateProfile] = []
        for var entry in try fargate.mappingList("profiles") ?? [] {
            guard let name = try entry.string("name"), !name.isEmpty else {
                throw PolicyError(line: entry.node.mark?.line, field: entry.field("name"), message: "is required")
            }
            var selectors: [Policy.FargateProfile.Selector] = []
            for var selector in try entry.mappingList("selectors") ?? [] {
                guard let namespace = try selector.string("namespace"), !namespace.isEmpty else {
                    throw PolicyError(line: selector.node.mark?.line, field: selector.field("namespace"), message: "is required")
                }
                var labels: [Policy.LabelPair] = []
                if var mapping = try selector.mapping("labels") {
                    for key in mapping.keys {
                        guard let value = try mapping.string(key) else { continue }
                        try PolicyLoader.checkLabelKey(key, line: mapping.line(of: key), field: mapping.field(key))
                        labels.append(Policy.LabelPair(key: key, value: value))
                    }
                    try mapping.rejectUnknown()
                }
                selectors.append(.init(namespace: namespace, labels: labels))
                try selector.rejectUnknown()
            }
            guard !selectors.isEmpty else {
                throw PolicyError(line: entry.node.mark?.line, field: entry.field("selectors"), message: "needs at least one selector")
            }
            profiles.append(.init(name: name, selectors: selectors))
            try entry.rejectUnknown()
        }
        try fargate.rejectUnknown()
        return profiles
    }
}
