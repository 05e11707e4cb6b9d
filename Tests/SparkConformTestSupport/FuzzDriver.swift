#if FUZZING
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's documented entry for programs that have their own `main`
/// (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

public enum FuzzDriver {
    /// Under libFuzzer (-D FUZZING), fuzzes `check`; otherwise replays the
    /// files and directories given as arguments through it.
    public static func main(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt, replay check: ([UInt8]) -> String?) {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
        FuzzReplay.run(check)
        #endif
    }
}

extension FuzzDriver {
    /// What a fuzz target does with a broken property: trap, so libFuzzer keeps the input.
    public static func trap(on failure: String?) -> CInt {
        if let failure { fatalError(failure) }
        return 0
    }
}
