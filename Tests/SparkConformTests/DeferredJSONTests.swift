import SparkConform
import SparkConformTestSupport
import Testing

/// `env` and `managedFields` are left unbuilt on the admission path. Whatever
/// is deferred must behave exactly as the built value: same errors, same
/// equality, same output, same decisions.
@Suite struct DeferredJSONTests {
    /// Malformed JSON placed where deferral happens: the deferring parse refuses
    /// it with the same message and offset as the full parse.
    @Test(arguments: [
        #"{"env":[1,]}"#, #"{"env":[{"a" 1}]}"#, #"{"env":[01]}"#, #"{"env":["\x"]}"#, #"{"env":[tru]}"#,
        #"{"env":["\ud800"]}"#, "{\"env\":[\"\u{01}\"]}", #"{"env":{"a":[}}"#, #"{"managedFields":[{"f:x":{}}"#,
        #"{"env":[1.]}"#, #"{"env":["abc]}"#, #"{"env":[-]}"#,
    ])
    func malformedDeferredValuesFailAsTheFullParseDoes(text: String) {
        let full = Result { () throws(JSONParseError) in try JSONParser.parse(text) }
        let deferring = Result { () throws(JSONParseError) in try JSONParser.parse(Array(text.utf8), deferring: AdmissionReview.deferredPodFields) }
        guard case .failure(let expected) = full else {
            Issue.record("the full parse accepted \(text)")
            return
        }
        #expect(deferring.error == expected, "\(text)")
    }

    /// The string scanners read eight bytes at a time: a special byte at every
    /// offset of a word, in a built and in a deferred string, is still found.
    @Test func specialBytesAreFoundAtEveryOffset() throws {
        let specials: [(bytes: [UInt8], decoded: String?)] = [
            (Array(#"\n"#.utf8), "\n"), (Array(#"\""#.utf8), "\""), (Array("é".utf8), "é"),
            ([0x01], nil), ([0x1F], nil), ([0xFF], nil), ([0x7F], "\u{7F}"),
        ]
        for offset in 0..<24 {
            for special in specials {
                let string = Array(repeating: UInt8(ascii: "a"), count: offset) + special.bytes + Array("bcdefghij".utf8)
                let literal = [UInt8(ascii: "\"")] + string + [UInt8(ascii: "\"")]
                let expected = special.decoded.map { String(repeating: "a", count: offset) + $0 + "bcdefghij" }
                #expect((try? JSONParser.parse(literal))?.stringValue == expected, "offset \(offset), \(special.bytes)")
                let wrapped = Array(#"{"env":["#.utf8) + literal + Array("]}".utf8)
                let deferred = try? JSONParser.parse(wrapped, deferring: AdmissionReview.deferredPodFields)
                #expect(deferred?["env"]?.arrayValue?.first?.stringValue == expected, "deferred: offset \(offset), \(special.bytes)")
            }
        }
    }

    /// Deferred source goes out verbatim only when writing the built value would
    /// give the same bytes: not with a repeated key (the last wins), an escape,
    /// or whitespace. Found by fuzz-admission (Fuzz/regressions/admission).
    @Test(arguments: [
        #"{"env":[{"name":"A","name":"B"}]}"#, #"{"env":[{"a":{"k":1,"k":2}}]}"#, #"{"env":["\u0041"]}"#,
        #"{"env":["é\n"]}"#, #"{"env":["é\u00e9"]}"#, #"{"env": [ 1 ]}"#, #"{"env":[{"a":1},{"a":1}]}"#,
    ])
    func deferredSourceIsWrittenAsTheBuiltValueWouldBe(text: String) throws {
        let deferring = try JSONParser.parse(Array(text.utf8), deferring: AdmissionReview.deferredPodFields)
        let full = try JSONParser.parse(text)
        #expect(JSONWriter.bytes(deferring) == JSONWriter.bytes(full), "\(text)")
        #expect(deferring == full)
    }

    @Test func invalidUTF8InADeferredValueIsRefused() {
        let bytes: [UInt8] = Array(#"{"env":[""#.utf8) + [0xFF, 0xFE] + Array(#""]}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes, deferring: AdmissionReview.deferredPodFields) }
    }

    @Test func deepNestingInADeferredValueIsRefused() {
        let deep = #"{"env":"# + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(deep.utf8), deferring: AdmissionReview.deferredPodFields) }
    }

    /// Every fixture, compact and indented: the deferring parse equals the full
    /// one, reads the same, and writes the same bytes (compact output never
    /// carries the input's line breaks, which would split an audit line).
    @Test(arguments: Fixture.names)
    func deferredValuesEqualAndWriteAsBuiltOnes(name: String) throws {
        let pod = try Fixture.pod(name)
        for text in [JSONWriter.bytes(pod), JSONWriter.bytes(pod, pretty: true)] {
            let deferring = try JSONParser.parse(text, deferring: AdmissionReview.deferredPodFields)
            let full = try JSONParser.parse(text)
            #expect(deferring == full)
            #expect(full == deferring)
            #expect(JSONWriter.bytes(deferring) == JSONWriter.bytes(full))
            #expect(JSONWriter.bytes(deferring, pretty: true) == JSONWriter.bytes(full, pretty: true))
            #expect(YAMLWriter.string(deferring) == YAMLWriter.string(full))
            let env = try #require(deferring[path: ["spec"]]?["containers"]?.arrayValue?.first?["env"])
            guard case .deferred = env else {
                Issue.record("env was built, not deferred")
                return
            }
            #expect(env.typeName == "array")
            #expect(env.arrayValue == full[path: ["spec"]]?["containers"]?.arrayValue?.first?["env"]?.arrayValue)
        }
    }

    /// The same review decided from a deferring decode and from a fully built
    /// object: the same patch and the same response. The IRSA policy edits
    /// `env`, so the deferred list is built, changed and diffed.
    @Test(arguments: Fixture.names)
    func decisionsAreTheSameWithAndWithoutDeferral(name: String) throws {
        let pod = try Fixture.pod(name)
        var irsa = Policy()
        irsa.serviceAccount.roleARN = "arn:aws:iam::111122223333:role/spark"
        irsa.serviceAccount.existsIn = ["*"]  // so that every fixture ends on the role's account
        for policy in [Policy(), irsa] {
            let review = CapturedReview.review(pod, uid: "u")
            let deferred = try AdmissionReview.decode(JSONWriter.bytes(review))
            let built = try AdmissionReview.decode(review)
            let fromDeferred = Mutator.decide(deferred.request, policy: policy)
            let fromBuilt = Mutator.decide(built.request, policy: policy)
            #expect(fromDeferred.sentPatch.map(\.json) == fromBuilt.sentPatch.map(\.json))
            if policy.serviceAccount.roleARN != nil {
                // The case that builds the deferred list: IRSA variables appended to it.
                #expect(fromDeferred.sentPatch.contains { $0.json["path"]?.stringValue?.hasSuffix("/env/-") == true })
            }
            #expect(deferred.responseBytes(fromDeferred) == built.responseBytes(fromBuilt))
            let patched = try JSONPatch.apply(fromDeferred.sentPatch, to: try #require(deferred.request.object))
            #expect(try patched == JSONPatch.apply(fromBuilt.sentPatch, to: #require(built.request.object)))
        }
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// The patch written straight to bytes is the same document `PatchOperation.document` describes.
@Suite struct PatchDocumentBytesTests {
    @Test(arguments: Fixture.names)
    func documentBytesMatchTheDocument(name: String) throws {
        let pod = try Fixture.pod(name)
        // A pod that already has a nodeSelector gets `add /spec/nodeSelector/<key>`:
        // with this key the path needs both JSON Pointer (`~1`, `~0`) and JSON (`\"`) escaping.
        var withSelector = pod
        withSelector[path: ["spec", "nodeSelector"]] = ["team": "data"]
        var policy = Policy()
        policy.serviceAccount.roleARN = "arn:aws:iam::111122223333:role/spark"
        var escapingPolicy = policy
        escapingPolicy.nodeLifecycle.labelKey = #"example.com/spot~"pool""#
        for (object, policy) in [(pod, policy), (withSelector, escapingPolicy)] {
            let request = AdmissionRequest(
                uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), operation: "CREATE",
                namespace: "spark", name: "", object: object, dryRun: false, username: nil)
            let patch = Mutator.decide(request, policy: policy).sentPatch
            #expect(!patch.isEmpty)
            #expect(try JSONParser.parse(PatchOperation.documentBytes(patch)) == PatchOperation.document(patch))
            #expect(PatchOperation.documentBytes(patch) == JSONWriter.bytes(PatchOperation.document(patch)))
        }
        let escapedPath = Mutator.decide(
            AdmissionRequest(
                uid: "u", kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), operation: "CREATE",
                namespace: "spark", name: "", object: withSelector, dryRun: false, username: nil),
            policy: escapingPolicy
        ).sentPatch.map(\.path.description)
        #expect(escapedPath.contains(#"/spec/nodeSelector/example.com~1spot~0"pool""#))
        #expect(PatchOperation.documentBytes([]) == Array("[]".utf8))
    }

    /// Reading one variable of a deferred env list finds what the built list finds, for every variable of every fixture.
    @Test(arguments: Fixture.names)
    func firstElementOfADeferredListIsTheBuiltListsFirst(name: String) throws {
        let bytes = JSONWriter.bytes(try Fixture.pod(name))
        let deferred = try JSONParser.parse(bytes, deferring: AdmissionReview.deferredPodFields)
        let built = try JSONParser.parse(bytes)
        let env = try #require(deferred[path: ["spec", "containers"]]?.arrayValue?.first?["env"])
        guard case .deferred = env else { Issue.record("env was not deferred"); return }
        let names = (built[path: ["spec", "containers"]]?.arrayValue?.first?["env"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(!names.isEmpty)
        for variable in names + ["NOT_THERE"] {
            let builtList = built[path: ["spec", "containers"]]?.arrayValue?.first?["env"]
            #expect(env.firstElement { $0["name"]?.stringValue == variable } == builtList?.firstElement { $0["name"]?.stringValue == variable })
        }
        #expect(JSONValue.string("x").firstElement { _ in true } == nil)
    }
}
