import SparkConform
import Testing

/// EKS Fargate profile selectors, as eksctl's `fargateProfiles` write them.
@Suite struct FargateTests {
    @Test(arguments: [
        ("spark", "spark", true), ("spa*", "spark", true), ("s?ark", "spark", true), ("*", "", true), ("*k", "spark", true),
        ("spark-*", "spark", false), ("s?rk", "spark", false), ("spark", "sparks", false), ("*a*k*", "spark", true), ("", "x", false),
    ])
    func wildcards(pattern: String, text: String, matches: Bool) {
        #expect(FargateWildcard.matches(pattern, text) == matches, "\(pattern) ~ \(text)")
    }

    @Test func profilesLoadAndSelectByNamespaceAndEveryLabel() throws {
        let policy = try PolicyLoader.load(yaml: """
            fargate:
              profiles:
                - name: executors
                  selectors:
                    - namespace: spark
                      labels: {spark/component: executor, team: "d*"}
            """)
        let selector = try #require(policy.fargateProfiles.first?.selectors.first)
        #expect(selector.selects(namespace: "spark", labels: ["spark/component": "executor", "team": "data"]))
        #expect(!selector.selects(namespace: "spark", labels: ["spark/component": "executor"]))
        #expect(!selector.selects(namespace: "etl", labels: ["spark/component": "executor", "team": "data"]))
        #expect(throws: PolicyError.self) { try PolicyLoader.load(yaml: "fargate: {profiles: [{name: x, selectors: []}]}") }
        #expect(throws: PolicyError.self) { try PolicyLoader.load(yaml: "fargate: {profiles: [{selectors: [{namespace: a}]}]}") }
        #expect(throws: PolicyError.self) { try PolicyLoader.load(yaml: "fargate: {profile: []}") }
    }
}
