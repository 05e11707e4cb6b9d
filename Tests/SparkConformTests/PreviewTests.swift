import SparkConform
import SparkConformTestSupport
import Testing

@Suite struct PreviewTests {
    func run(_ input: String, _ output: Preview.Output = .explain, format: Preview.Format? = nil, namespace: String? = "spark", policy: Policy = Policy()) throws -> Preview.Report {
        try Preview.run(input, options: Preview.Options(output: output, format: format, namespace: namespace), policy: policy)
    }

    func expectedPatch(_ name: String) throws -> String {
        let decision = Mutator.decide(pod: try Fixture.pod(name), namespace: "spark", policy: Policy())
        return String(decoding: Preview.patchBytes(decision), as: UTF8.self)
    }

    @Test(arguments: Fixture.names)
    func everyInputFormGivesTheWebhooksPatch(name: String) throws {
        let pod = try Fixture.pod(name)
        let json = JSONWriter.string(pod, pretty: true)
        let yaml = YAMLWriter.string(pod)
        let list = JSONWriter.string(["apiVersion": "v1", "kind": "List", "items": [pod, pod]])
        let captured = CapturedReview.review(pod, uid: "u")
        let expected = try expectedPatch(name)
        let forms: [(String, Int)] = [
            (json, 1), (yaml, 1), (list, 2), ("---\n" + yaml + "---\n" + yaml, 2), (json + "\n" + json, 2),
        ]
        for (input, count) in forms {
            let report = try run(input, .patch)
            #expect(report.items.count == count)
            #expect(report.text == String(repeating: expected + "\n", count: count))
            #expect(report.wouldChange)
        }
        // An AdmissionReview as the apiserver sends it: decided as /mutate decides it, requester included.
        let byWebhook = Mutator.decide(try AdmissionReview.decode(captured).request, policy: Policy())
        #expect(try run(JSONWriter.string(captured), .patch).text == String(decoding: Preview.patchBytes(byWebhook), as: UTF8.self) + "\n")
    }

    @Test func podOutputIsThePatchedPodInJSONAndYAML() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        let decision = Mutator.decide(pod: pod, namespace: "spark", policy: Policy())
        let patched = try JSONPatch.apply(decision.sentPatch, to: pod)
        let input = JSONWriter.string(pod)
        #expect(try JSONParser.parse(run(input, .pod, format: .json).text) == patched)
        #expect(try DocumentReader.read(run(input, .pod).text) == [patched])
        #expect(try DocumentReader.read(run(input, .patch, format: .yaml).text) == [PatchOperation.document(decision.sentPatch)])
    }

    @Test func diffShowsAddedLinesOnly() throws {
        // node-lifecycle alone, so the diff is its and no other rule's.
        var onlyNodeLifecycle = Policy.blogCluster
        for rule in RuleTable.rules { rule.setEnabled(rule.id == .nodeLifecycle, in: &onlyNodeLifecycle) }
        let text = try run(JSONWriter.string(try Fixture.pod("spark-3.5.3-driver-basic")), .diff, policy: onlyNodeLifecycle).text
        #expect(text.hasPrefix("--- a/spark/spark-pi-06525ea2160f53d2-driver\n+++ b/spark/spark-pi-06525ea2160f53d2-driver\n@@ "))
        let changed = text.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
        #expect(changed == ["+  nodeSelector:", "+    node-lifecycle: on-demand"])
        // Nothing to change, nothing to show.
        onlyNodeLifecycle.nodeLifecycle.enabled = false
        #expect(try run(JSONWriter.string(try Fixture.pod("spark-3.5.3-driver-basic")), .diff, policy: onlyNodeLifecycle).text == "")
    }

    @Test func explainNamesEveryRuleWithItsReason() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic").with(["spec", "nodeSelector"], ["node-lifecycle": "on-demand"])
        let text = try run(JSONWriter.string(pod), policy: .blogCluster).text
        #expect(text.contains("pod spark/spark-pi-5db50ea2160f66cd-exec-1 (executor, app spark-4eee1c3004c44079a286f29e25955376)"))
        for rule in RuleID.allCases { #expect(text.contains(rule.rawValue)) }
        #expect(text.contains("conflict: node-lifecycle: kept spec.nodeSelector.node-lifecycle=on-demand (policy: spot)"))
        let json = try JSONParser.parse(run(JSONWriter.string(pod), .explain, format: .json, policy: .blogCluster).text)
        #expect(json["rules"]?.arrayValue?.map { $0["rule"]?.stringValue ?? "" } == RuleID.allCases.map(\.rawValue))
        let nodeLifecycle = json["rules"]?.arrayValue?.first { $0["rule"] == "node-lifecycle" }
        #expect(nodeLifecycle?["conflicts"]?.arrayValue?.first?["resolution"] == "kept-pod-value")
        #expect(json["outcome"] == "patched")
    }

    @Test func auditModeExplainsWhatWouldChange() throws {
        var policy = Policy.blogCluster
        policy.mode = .audit
        let input = JSONWriter.string(try Fixture.pod("spark-3.5.3-executor-basic"))
        let report = try run(input, .explain, format: .json, policy: policy)
        let json = try JSONParser.parse(report.text)
        #expect(json["patch"] == [])
        let operations = Mutator.decide(pod: try Fixture.pod("spark-3.5.3-executor-basic"), namespace: "spark", policy: .blogCluster).sentPatch.count
        #expect(operations > 1)
        #expect(json["wouldPatch"]?.arrayValue?.count == operations)
        #expect(json["outcome"] == "audit")
        #expect(report.wouldChange)
        #expect(try run(input, .patch, policy: policy).text == "[]\n")
        #expect(try run(input, policy: policy).text.contains("mode audit: would apply \(operations) patch operations, applies none"))
    }

    @Test func namespaceComesFromFlagThenInputThenDefault() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        #expect(try run(JSONWriter.string(pod), namespace: nil).items.first?.namespace == "default")
        let placed = pod.with(["metadata", "namespace"], "team-a")
        #expect(try run(JSONWriter.string(placed), namespace: nil).items.first?.namespace == "team-a")
        #expect(try run(JSONWriter.string(placed), namespace: "other").items.first?.namespace == "other")
    }

    @Test(arguments: [
        ("", "input is empty"),
        ("   \n", "input is empty"),
        ("key: [unclosed", "not valid YAML"),
        ("{\"kind\": \"Pod\",", "not valid"),
        ("kind: Service\n", "document 1: a Service, not a Pod, List or AdmissionReview"),
        ("just a string", "document 1: a string, not a Pod"),
        ("metadata: {}\n", "an object without kind"),
        ("---\n---\n", "input holds no documents"),
        ("kind: List\n", "List has no items"),
        ("kind: List\nitems: [{kind: Secret}]\n", "item 1: a Secret, not a Pod"),
        ("kind: AdmissionReview\napiVersion: admission.k8s.io/v1\n", "has no request"),
    ])
    func unreadableInputIsAClearError(input: String, message: String) {
        #expect {
            _ = try run(input)
        } throws: { error in
            (error as? Preview.Failure)?.message.contains(message) == true
        }
    }

    @Test func impossibleOutputFormatsAreRefused() {
        #expect(throws: Preview.Failure.self) { _ = try run("kind: Pod", .diff, format: .json) }
        #expect(throws: Preview.Failure.self) { _ = try run("kind: Pod", .patch, format: .text) }
    }

    @Test(arguments: Fixture.names)
    func yamlWriterRoundTrips(name: String) throws {
        let pod = try Fixture.pod(name)
        #expect(try DocumentReader.read(YAMLWriter.string(pod)) == [pod])
        let tricky: JSONValue = ["s": ["true", "no", "1", "1.5", "", "a: b", "#x", "- y", "null", "~", "x\ny", "-R"], "empty": [:], "list": []]
        #expect(try DocumentReader.read(YAMLWriter.string(tricky)) == [tricky])
    }
}

@Suite struct LineDiffTests {
    @Test func hunksShowContextAndCounts() {
        let before = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[9] = "changed 10"
        lines.insert("new", at: 15)
        let diff = LineDiff.unified(from: before, to: lines.joined(separator: "\n") + "\n", fromName: "a", toName: "b")
        #expect(diff == """
            --- a
            +++ b
            @@ -7,12 +7,13 @@
             line 7
             line 8
             line 9
            -line 10
            +changed 10
             line 11
             line 12
             line 13
             line 14
             line 15
            +new
             line 16
             line 17
             line 18

            """)
    }

    @Test func hugeDifferencesStayBounded() {
        let before = (0..<3000).map { "a\($0)" }.joined(separator: "\n")
        let after = (0..<3000).map { "b\($0)" }.joined(separator: "\n")
        let diff = LineDiff.unified(from: before, to: after, fromName: "a", toName: "b")
        #expect(diff.split(separator: "\n").filter { $0.hasPrefix("-a") }.count == 3000)
        #expect(diff.split(separator: "\n").filter { $0.hasPrefix("+b") }.count == 3000)
    }

    @Test func deepYAMLIsAnErrorNotACrash() {
        let deep = "a: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: DocumentReader.ReadError.self) { _ = try DocumentReader.read(deep) }
    }

    /// `--rules`: each rule's own operations, which taken in run order build the
    /// pod the whole patch builds, and only the outcomes and warnings of the rules named.
    @Test(arguments: Fixture.names)
    func viewOfSomeRules(name: String) throws {
        let input = JSONWriter.string(try Fixture.pod(name))
        let policy = Policy.blogCluster
        let original = try Fixture.pod(name)
        let decision = try #require(
            try Preview.evaluate([original], namespace: "spark", policy: policy, recordingRuleOperations: true).first?.decision)
        var pod = original
        for rule in RuleID.allCases {
            let view = decision.showing([rule])
            pod = try JSONPatch.apply(view.sentPatch, to: pod)
            let printed = try Preview.run(input, options: Preview.Options(output: .patch, namespace: "spark", rules: [rule]), policy: policy)
            #expect(printed.text == String(decoding: Preview.patchBytes(view), as: UTF8.self) + "\n")
        }
        #expect(!decision.sentPatch.isEmpty)
        #expect(try pod == JSONPatch.apply(decision.sentPatch, to: original))

        let explain = try Preview.run(input, options: Preview.Options(namespace: "spark", rules: [.nodeLifecycle]), policy: policy).text
        #expect(explain.contains("  rules shown: node-lifecycle\n"))
        #expect(explain.contains("  applied   node-lifecycle "))
        #expect(!explain.contains("service-account"))
        #expect {
            try Preview.run(input, options: Preview.Options(output: .diff, rules: [.nodeLifecycle]), policy: policy)
        } throws: { "\($0)" == "--rules shows some rules' outcomes and operations: it goes with --output explain or patch, not diff" }
        #expect(try RuleID.list("local-dirs, zone-colocation,local-dirs").get().map(\.rawValue) == ["local-dirs", "zone-colocation"])
    }
}
