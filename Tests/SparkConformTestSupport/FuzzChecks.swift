import SparkConform

/// The properties the fuzz targets check on arbitrary input. Each returns the
/// property an input breaks, or nil: the fuzz targets trap on it (that is how
/// libFuzzer notices), the test suite records it as a failure naming the input.
public enum FuzzChecks {
    /// Request bytes through the whole decision path. Whatever the input: no
    /// crash; the deferring parse agrees with the full one; a patch that
    /// applies; a response that is valid JSON; and the webhook run on its own
    /// output changes nothing more (idempotence).
    public static func admission(_ bytes: [UInt8]) -> String? {
        // The admission path defers fields it rarely reads: it must accept,
        // refuse (same message and offset) and read exactly as a full parse does.
        let deferring = Result { () throws(JSONParseError) in try JSONParser.parse(bytes, deferring: AdmissionReview.deferredPodFields) }
        let full = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        switch (deferring, full) {
        case (.success(let lazy), .success(let built)):
            if !(lazy == built && built == lazy) { return "deferring parse reads differently" }
            if JSONWriter.bytes(lazy) != JSONWriter.bytes(built) { return "deferring parse writes differently" }
        case (.failure(let lazy), .failure(let built)):
            if lazy != built { return "deferring parse fails differently: \(lazy) vs \(built)" }
        default:
            return "deferring and full parse disagree: \(deferring) vs \(full)"
        }
        guard let review = try? AdmissionReview.decode(bytes) else { return nil }
        let policy = Policy()
        let decision = Mutator.decide(review.request, policy: policy)
        let response = review.responseBytes(decision)
        if (try? JSONParser.parse(response)) == nil { return "response is not JSON" }
        guard !decision.sentPatch.isEmpty, let object = review.request.object else { return nil }
        guard let patched = try? JSONPatch.apply(decision.sentPatch, to: object) else {
            return "patch does not apply: \(decision.sentPatch.map(\.json))"
        }
        if patched != decision.admittedPod { return "the patch does not give the pod the decision carries" }
        var again = review.request
        again.object = patched
        let second = Mutator.decide(again, policy: policy)
        return second.sentPatch.isEmpty ? nil : "not idempotent: \(second.sentPatch.map(\.json))"
    }

    /// Policy text through the loader, and the same text as preview input:
    /// an error or a value, never a crash.
    public static func policyAndPreview(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? PolicyLoader.load(yaml: text)
        _ = try? Preview.run(text, options: Preview.Options(output: .diff), policy: Policy())
        return nil
    }
}
