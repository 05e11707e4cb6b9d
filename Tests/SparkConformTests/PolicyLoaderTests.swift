import SparkConform
import Testing

@Suite struct PolicyLoaderTests {
    @Test func embeddedDefaultYAMLIsTheDefaultPolicy() throws {
        #expect(try PolicyLoader.load(yaml: DefaultPolicy.yaml) == Policy())
        #expect(try PolicyLoader.load(yaml: "") == Policy())
    }

    @Test func presetsSetKeysValuesAndToleration() throws {
        let managed = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {preset: eks-managed}}").nodeLifecycle
        #expect(managed.labelKey == "eks.amazonaws.com/capacityType")
        #expect(managed.onDemandValue == "ON_DEMAND" && managed.spotValue == "SPOT")
        #expect(managed.spotToleration == nil)
        let karpenter = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {preset: karpenter}}").nodeLifecycle
        #expect(karpenter.labelKey == "karpenter.sh/capacity-type" && karpenter.spotValue == "spot")
        let custom = try PolicyLoader.load(yaml: """
            rules:
              node-lifecycle:
                preset: custom
                labelKey: example.com/lifecycle
                onDemandValue: od
                spotValue: sp
                spotToleration: {key: example.com/spot, value: "yes", effect: NoExecute}
            """).nodeLifecycle
        #expect(custom.labelKey == "example.com/lifecycle" && custom.onDemandValue == "od" && custom.spotValue == "sp")
        #expect(custom.spotToleration == Policy.Toleration(key: "example.com/spot", value: "yes", effect: "NoExecute"))
        let none = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {spotToleration: null}}").nodeLifecycle
        #expect(none.spotToleration == nil)
    }

    /// The default is auto (every scheme); labels of the policy's own under it make a custom preset.
    @Test func autoIsTheDefaultAndOwnLabelsMakeItCustom() throws {
        let auto = Policy().nodeLifecycle
        #expect(auto.preset == .auto && auto.isAuto && auto.presetName == "auto")
        #expect(auto.spotTolerations.map(\.key) == ["spot", "eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type"])
        let own = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {labelKey: example.com/lc, onDemandValue: od, spotValue: sp}}").nodeLifecycle
        #expect(!own.isAuto && own.presetName == "custom" && own.labelKey == "example.com/lc")
        let autoMode = try PolicyLoader.load(yaml: "rules: {node-lifecycle: {preset: eks-auto}}").nodeLifecycle
        #expect(autoMode.labelKey == "karpenter.sh/capacity-type" && autoMode.preset.nodeSelector.map(\.key) == ["eks.amazonaws.com/compute-type"])
        // Local dirs: the preset decides until the policy names a mode or host paths.
        #expect(Policy().localDirs.baseMode(preset: .auto) == .keep)
        #expect(Policy().localDirs.baseMode(preset: .eksctl) == .hostPath)
        let named = try PolicyLoader.load(yaml: "rules: {local-dirs: {hostPaths: [/nvme]}}").localDirs
        #expect(named.modeNamed && named.baseMode(preset: .auto) == .hostPath)
    }

    @Test func overridesAreRead() throws {
        let policy = try PolicyLoader.load(yaml: """
            namespaceOverrides:
              analytics:
                mode: audit
                serviceAccount: spark-analytics
                roleArn: arn:aws:iam::111122223333:role/analytics
                region: us-west-2
                rules: {local-dirs: false}
            """)
        let resolved = ResolvedPolicy(policy).forNamespace("analytics").policy
        #expect(resolved.mode == .audit)
        #expect(resolved.serviceAccount.name == "spark-analytics")
        #expect(resolved.serviceAccount.roleARN == "arn:aws:iam::111122223333:role/analytics")
        #expect(resolved.serviceAccount.region == "us-west-2")
        #expect(!resolved.localDirs.enabled)
        #expect(ResolvedPolicy(policy).forNamespace("other").policy == policy)
    }

    static let wrongPolicies: [(yaml: String, line: Int?, field: String, message: String)] = [
        ("mdoe: audit", 1, "mdoe", "unknown field"),
        ("mode: enforce\nmode: audit", nil, "", "duplicated key(s): 'mode'"),
        ("mode: loud", 1, "mode", "'loud' is not one of: enforce, audit"),
        ("rules:\n  node-lifecycle:\n    preset: ekctl", 3, "rules.node-lifecycle.preset", "'ekctl' is not one of"),
        ("rules:\n  node-lifecycle:\n    preset: custom", 3, "rules.node-lifecycle.preset", "needs labelKey"),
        ("rules:\n  node-lifecycle:\n    labelKey: example.com/lc", 3, "rules.node-lifecycle.labelKey", "go together"),
        ("rules:\n  node-lifecycle:\n    spotToleration: {key: spot, value: true}", 3, "rules.node-lifecycle.spotToleration.value", "must be a string"),
        ("rules:\n  zone-colocation:\n    weight: 1000", 3, "rules.zone-colocation.weight", "between 1 and 100"),
        ("rules:\n  zone-colocation:\n    enabled: yes please", 3, "rules.zone-colocation.enabled", "true or false"),
        ("rules:\n  app-isolation:\n    topologyKey: 'bad key!'", 3, "rules.app-isolation.topologyKey", "not a valid label key"),
        ("rules:\n  local-dirs:\n    hostPaths: [relative/path]", 3, "rules.local-dirs.hostPaths[0]", "not an absolute path"),
        ("rules:\n  local-dirs:\n    roles: [driver, worker]", 3, "rules.local-dirs.roles[1]", "'worker'"),
        ("rules:\n  local-dirs:\n    initContainer:\n      resources: {limits: {cpu: lots}}", 4, "rules.local-dirs.initContainer.resources.limits.cpu", "quantity"),
        ("rules:\n  service-account:\n    roleArn: my-role", 3, "rules.service-account.roleArn", "not an IAM role ARN"),
        ("rules:\n  service-account:\n    name: Bad_Name", 3, "rules.service-account.name", "not a valid service account name"),
        ("rules:\n  spot: {}", 2, "rules.spot", "unknown field (expected one of: app-labels, zone-colocation"),
        ("namespaceOverrides:\n  team-a:\n    rules: {isolation: false}", 3, "namespaceOverrides.team-a.rules.isolation", "unknown field"),
        ("namespaces: [a, b]", 1, "namespaces", "must be a mapping"),
        ("mode: [", nil, "", "not valid YAML"),
    ]

    @Test(arguments: wrongPolicies.indices)
    func wrongPolicyNamesLineAndField(index: Int) {
        let expected = Self.wrongPolicies[index]
        #expect {
            _ = try PolicyLoader.load(yaml: expected.yaml)
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.line == expected.line && error.field == expected.field && error.message.contains(expected.message)
        }
    }
}
