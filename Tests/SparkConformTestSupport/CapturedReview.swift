import Foundation
import SparkConform

/// AdmissionReviews as a real kube-apiserver sends them. The envelope is the one
/// a kube-apiserver 1.36 sent for an executor created by its driver's service
/// account (fixtures/apiserver-captures: `requestKind`, `requestResource`, the
/// bound token's `userInfo` with `extra`, `oldObject: null`, `options`), with the
/// test's object, uid, operation, kind, namespace and dry-run put in. Where a
/// hand-made review and the apiserver differ, the capture wins.
public enum CapturedReview {
    public static let envelopeCase = "apiserver-sa-token-spark-3.5.3-executor-basic-exec-2"

    static let envelope: JSONValue = {
        let file = GoldenCase.directory.appendingPathComponent("\(envelopeCase)/input.json")
        guard let data = FileManager.default.contents(atPath: file.path), let review = try? JSONParser.parse(Array(data)) else {
            fatalError("cannot read the captured review \(file.path)")
        }
        return review
    }()

    public static func review(
        _ object: JSONValue?, uid: String = UUID().uuidString, operation: String = "CREATE", kind: String = "Pod",
        namespace: String = "spark", dryRun: Bool = false
    ) -> JSONValue {
        var review = envelope
        let groupVersionKind: JSONValue = ["group": "", "version": "v1", "kind": .string(kind)]
        review[path: ["request", "uid"]] = .string(uid)
        review[path: ["request", "kind"]] = groupVersionKind
        review[path: ["request", "requestKind"]] = groupVersionKind
        review[path: ["request", "namespace"]] = .string(namespace)
        review[path: ["request", "operation"]] = .string(operation)
        review[path: ["request", "dryRun"]] = .bool(dryRun)
        // The apiserver names the object it was given (absent for generateName).
        review[path: ["request", "name"]] = object?[path: ["metadata", "name"]]
        review[path: ["request", "object"]] = object
        return review
    }
}
