import SparkConformTestSupport

/// Fuzzes (built with -sanitize=fuzzer -D FUZZING, see Fuzz/README.md) or
/// replays files through FuzzChecks.policyAndPreview.
@main
struct FuzzPolicyAndPreview {
    static func main() {
        FuzzDriver.main({ data, size in
            FuzzDriver.trap(on: FuzzChecks.policyAndPreview(Array(UnsafeBufferPointer(start: data, count: size))))
        }, replay: FuzzChecks.policyAndPreview)
    }
}
