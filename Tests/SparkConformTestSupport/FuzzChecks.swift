import SparkConform

/// The properties the fuzz targets check on arbitrary input. They trap on a
/// violation (that is how libFuzzer notices); the same functions replay the
/// corpus and every recorded crasher in the test suite.
public enum FuzzChecks {
    /// Request bytes through the whole decision path. Whatever the input: no
    /// crash; a patch that applies; a response that is valid JSON; and the
    /// webhook run on its own output changes nothing more (idempotence).
    public static func admission(_ bytes: [UInt8]) {
        guard let review = try? AdmissionReview.decode(bytes) else { return }
        let policy = Policy()
        let decision = Mutator.decide(review.request, policy: policy)
        let response = review.responseBytes(decision)
        precondition((try? JSONParser.parse(response)) != nil, "response is not JSON")
        guard !decision.patch.isEmpty, let object = review.request.object else { return }
        guard let patched = try? JSONPatch.apply(decision.patch, to: object) else {
            preconditionFailure("patch does not apply: \(decision.patch.map(\.json))")
        }
        var again = review.request
        again.object = patched
        let second = Mutator.decide(again, policy: policy)
        precondition(second.patch.isEmpty, "not idempotent: \(second.patch.map(\.json))")
    }

    /// Policy text through the loader, and the same text as preview input:
    /// an error or a value, never a crash.
    public static func policyAndPreview(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? PolicyLoader.load(yaml: text)
        _ = try? Preview.run(text, options: Preview.Options(output: .diff), policy: Policy())
    }
}
