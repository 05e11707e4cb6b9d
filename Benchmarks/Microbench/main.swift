import Foundation
import SparkConform
import SparkConformTestSupport

// Micro-benchmark of the pure path per pod kind: decode the AdmissionReview,
// decide (with the core's patched-pod check), encode the response,
// and write the audit line (`--instructions N --with-audit` adds it to the count;
// `--fixture NAME` counts one pod kind).
// Run a release build: swift run -c release spark-conform-microbench [iterations]

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
// Resolved once, as the server resolves it when the policy loads.
let policy = ResolvedPolicy(Policy())

/// The whole path once: what a request costs the webhook outside the network.
func fullPath(_ bytes: [UInt8], withAudit: Bool = true) -> Int {
    guard let review = try? AdmissionReview.decode(bytes) else { return 0 }
    let decision = Mutator.decide(review.request, policy: policy)
    let audit = withAudit ? auditLine(decision, review.request).count : 0
    return review.responseBytes(decision).count + audit
}

func auditLine(_ decision: Decision, _ request: AdmissionRequest) -> [UInt8] {
    JSONWriter.bytes(AuditRecord.decision(decision, request: request, time: "2026-11-26T07:21:39.015Z", latencySeconds: 0.000123))
}

/// The request as a kube-apiserver sends it (test support's one builder, from the real captures).
func review(_ pod: JSONValue) -> [UInt8] {
    JSONWriter.bytes(CapturedReview.review(pod, uid: "0b2c8f0e-6a51-4c55-9e3c-2f1d2f6b3a10"))
}

/// Median nanoseconds per call over five batches.
func measure(_ body: () -> Int) -> Double {
    var sink = 0
    for _ in 0..<(iterations / 10) { sink &+= body() }
    var batches: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<iterations { sink &+= body() }
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        batches.append((Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
    }
    if sink == 42 { print("") }  // keeps the work observable to the optimiser
    return batches.sorted()[2]
}

// `--instructions N`: the full path N times per fixture, untimed, for counting
// instructions under callgrind (repeatable where wall time is not).
if CommandLine.arguments.dropFirst().first == "--instructions" {
    let count = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 1000
    let withAudit = CommandLine.arguments.contains("--with-audit")
    // `--fixture NAME` counts one pod kind alone.
    let only = CommandLine.arguments.firstIndex(of: "--fixture").flatMap { CommandLine.arguments.dropFirst($0 + 1).first }
    var sink = 0
    for name in Fixture.names where only == nil || only == name {
        let bytes = review(try Fixture.pod(name))
        for _ in 0..<count { sink &+= fullPath(bytes, withAudit: withAudit) }
    }
    print(sink)
    exit(0)
}

print("pod".padding(toLength: 34, withPad: " ", startingAt: 0), "bytes", "  decode", "  decide", "  encode", "   audit", "   total  (ns/op, median of 5 x \(iterations))")
for name in Fixture.names {
    let bytes = review(try Fixture.pod(name))
    let decoded = try AdmissionReview.decode(bytes)
    let decision = Mutator.decide(decoded.request, policy: policy)
    let decode = measure { (try? AdmissionReview.decode(bytes))?.request.uid.count ?? 0 }
    let decide = measure { Mutator.decide(decoded.request, policy: policy).sentPatch.count }
    let encode = measure { decoded.responseBytes(decision).count }
    let audit = measure { auditLine(decision, decoded.request).count }
    let total = measure { fullPath(bytes) }
    func column(_ value: Double) -> String { String(format: "%8.0f", value) }
    print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%5d", bytes.count),
          column(decode), column(decide), column(encode), column(audit), column(total))
}
