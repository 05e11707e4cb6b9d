import SparkConform
import SparkConformTestSupport
import Testing

/// The table is the one place rules are listed; what follows from it must agree with it.
@Suite struct RuleTableTests {
    @Test func idsAreUniqueAndNamedByTheTable() {
        #expect(Set(RuleTable.ids).count == RuleTable.ids.count)
        #expect(RuleID.allCases == RuleTable.ids)
        for (index, id) in RuleTable.ids.enumerated() {
            #expect(RuleID(rawValue: id.rawValue) == id)
            #expect(RuleTable.index(of: id) == index)
        }
        #expect(RuleID(rawValue: "bogus") == nil)
    }

    /// Each rule's switch is its policy section's, read once when the policy is
    /// resolved; a namespace override turns it for that namespace only.
    @Test func theSwitchDecidesWhetherTheRuleRuns() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        for rule in RuleTable.rules {
            for enabled in [false, true] {
                var policy = Policy()
                rule.setEnabled(enabled, in: &policy)
                policy.namespaceOverrides["team"] = Policy.NamespaceOverride()
                policy.namespaceOverrides["team"]?.rules[rule.id] = !enabled
                let resolved = ResolvedPolicy(policy)
                func disabled(in namespace: String) -> Bool {
                    let outcome = Mutator.decide(pod: pod, namespace: namespace, policy: resolved).outcomes.first { $0.rule == rule.id }
                    return outcome?.reason == "disabled by policy"
                }
                #expect(disabled(in: "spark") == !enabled, "\(rule.id)")
                #expect(disabled(in: "team") == enabled, "\(rule.id)")
            }
        }
    }

    /// Every rule has its section in the commented default policy, and namespace overrides can switch it.
    @Test func everyRuleHasItsPolicySection() throws {
        let rules = try #require(try DocumentReader.read(DefaultPolicy.yaml).first?["rules"]?.objectValue)
        #expect(rules.keys == RuleTable.ids.map(\.rawValue))
        for rule in RuleTable.rules {
            let policy = try PolicyLoader.load(yaml: "namespaceOverrides: {team: {rules: {\(rule.id.rawValue): true}}}")
            #expect(rule.isEnabled(in: ResolvedPolicy(policy).forNamespace("team").policy), "\(rule.id)")
            let off = try PolicyLoader.load(yaml: "namespaceOverrides: {team: {rules: {\(rule.id.rawValue): false}}}")
            #expect(!rule.isEnabled(in: ResolvedPolicy(off).forNamespace("team").policy), "\(rule.id)")
        }
    }
}
