import SparkConform
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

    /// Each rule reads its switch directly on the hot path; it must be the switch its policy section holds.
    @Test func theHotPathSwitchIsThePolicySectionsSwitch() {
        for rule in RuleTable.rules {
            for enabled in [false, true] {
                var policy = Policy()
                rule.setEnabled(enabled, in: &policy)
                #expect(rule.isEnabled(in: policy) == enabled, "\(rule.id)")
            }
        }
    }

    /// Every rule has its section in the commented default policy, and namespace overrides can switch it.
    @Test func everyRuleHasItsPolicySection() throws {
        let rules = try #require(try DocumentReader.read(DefaultPolicy.yaml).first?["rules"]?.objectValue)
        #expect(rules.keys == RuleTable.ids.map(\.rawValue))
        for rule in RuleTable.rules {
            let policy = try PolicyLoader.load(yaml: "namespaceOverrides: {team: {rules: {\(rule.id.rawValue): true}}}")
            #expect(rule.isEnabled(in: policy.resolved(forNamespace: "team")), "\(rule.id)")
            let off = try PolicyLoader.load(yaml: "namespaceOverrides: {team: {rules: {\(rule.id.rawValue): false}}}")
            #expect(!rule.isEnabled(in: off.resolved(forNamespace: "team")), "\(rule.id)")
        }
    }
}
