import SparkConformTestSupport

/// Fuzzes (built with -sanitize=fuzzer -D FUZZING, see Fuzz/README.md) or
/// replays files through FuzzChecks.admission.
@main
struct FuzzAdmission {
    static func main() {
        FuzzDriver.main({ data, size in
            FuzzDriver.trap(on: FuzzChecks.admission(Array(UnsafeBufferPointer(start: data, count: size))))
        }, replay: FuzzChecks.admission)
    }
}
