import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

@Suite struct AdmissionReviewTests {
    static func review(_ object: JSONValue, operation: String = "CREATE", kind: String = "Pod") -> JSONValue {
        CapturedReview.review(object, uid: "705ab4f5-6393-11e8-b7cc-42010a800002", operation: operation, kind: kind)
    }

    @Test func responseEchoesUIDAndCarriesBase64Patch() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        let review = try AdmissionReview.decode(JSONWriter.bytes(Self.review(pod)))
        #expect(review.request.username == "system:serviceaccount:spark:spark")
        let decision = Mutator.decide(review.request, policy: Policy())
        let response = try JSONParser.parse(review.responseBytes(decision))
        #expect(response["apiVersion"] == "admission.k8s.io/v1")
        #expect(response["kind"] == "AdmissionReview")
        #expect(response[path: ["response", "uid"]] == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response[path: ["response", "allowed"]] == true)
        #expect(response[path: ["response", "patchType"]] == "JSONPatch")
        let encoded = try #require(response[path: ["response", "patch"]]?.stringValue)
        let patch = try JSONParser.parse(try #require(Data(base64Encoded: encoded).map(Array.init)))
        #expect(patch == PatchOperation.document(decision.sentPatch))
        let keys = try #require(response[path: ["response", "auditAnnotations"]]?.objectValue?.keys)
        for key in keys {
            #expect(key.count <= 63 && !key.contains("/"))
        }
    }

    @Test func emptyPatchHasNoPatchType() throws {
        let pod = try Fixture.pod("spark-3.5.3-executor-basic")
        let review = try AdmissionReview.decode(Self.review(pod, operation: "UPDATE"))
        let response = try JSONParser.parse(review.responseBytes(Mutator.decide(review.request, policy: Policy())))
        #expect(response[path: ["response", "patchType"]] == nil)
        #expect(response[path: ["response", "patch"]] == nil)
        #expect(response[path: ["response", "allowed"]] == true)
    }

    @Test func nonPodObjectIsAllowedUnchanged() throws {
        let review = try AdmissionReview.decode(Self.review(["kind": "ConfigMap"], kind: "ConfigMap"))
        let decision = Mutator.decide(review.request, policy: Policy())
        #expect(decision.sentPatch.isEmpty)
        #expect(decision.reason == "v1/ConfigMap is not a Pod")
    }

    @Test(arguments: [
        ("[]", "must be a JSON object"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}"#, "has no request"),
        (#"{"kind":"Pod","apiVersion":"v1"}"#, "kind must be \"AdmissionReview\""),
        (#"{"kind":"AdmissionReview","apiVersion":"v2","request":{}}"#, "apiVersion must be"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"kind":{}}}"#, "request.uid"),
        ("{not json", "not valid JSON"),
    ])
    func badEnvelopesSayWhatIsWrong(body: String, message: String) {
        #expect {
            _ = try AdmissionReview.decode(Array(body.utf8))
        } throws: { error in
            (error as? AdmissionDecodingError)?.message.contains(message) == true
        }
    }
}
