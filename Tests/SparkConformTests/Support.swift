import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// The result of running the webhook on a pod, with the patch applied.
struct Mutation {
    let original: JSONValue
    let decision: Decision
    let patched: JSONValue

    init(_ pod: JSONValue, namespace: String = "spark", policy: Policy = Policy()) throws {
        original = pod
        decision = Mutator.decide(pod: pod, namespace: namespace, policy: policy)
        patched = try JSONPatch.apply(decision.patch, to: pod)
    }

    func outcome(_ rule: RuleID) -> RuleOutcome? { decision.outcomes.first { $0.rule == rule } }

    func status(_ rule: RuleID) -> RuleOutcome.Status? { outcome(rule)?.status }

    /// Running the webhook again on its own output must change nothing.
    func expectIdempotent(namespace: String = "spark", policy: Policy = Policy(), sourceLocation: SourceLocation = #_sourceLocation) {
        let again = Mutator.decide(pod: patched, namespace: namespace, policy: policy)
        #expect(again.patch.isEmpty, "second pass patched: \(again.patch.map(\.json))", sourceLocation: sourceLocation)
    }

    var paths: [String] { decision.patch.map { "\($0.kind.rawValue) \($0.path)" } }
}

extension JSONValue {
    /// The same document without the given members: what the rules must not have touched.
    func removing(_ paths: [[String]]) -> JSONValue {
        var copy = self
        for path in paths { copy[path: path] = nil }
        return copy
    }

    /// Edits a copy, for building test pods from a fixture.
    func with(_ path: [String], _ value: JSONValue?) -> JSONValue {
        var copy = self
        copy[path: path] = value
        return copy
    }
}
