import Foundation
import Testing

/// Runs a program to its end, feeding its standard input and draining its
/// standard output and error at the same time: reading one pipe to its end
/// before the other deadlocks once a program fills the other pipe's buffer.
/// The waiting happens on dispatch threads, never on Swift concurrency's few
/// cooperative threads, which tests running in parallel share.
enum ChildProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `addingEnvironment`: variables set on top of this process's environment.
    static func run(
        _ executable: URL, _ arguments: [String], stdin: [UInt8] = [], addingEnvironment: [String: String] = [:]
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try runBlocking(executable, arguments, stdin: stdin, environment: addingEnvironment) })
            }
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], stdin: [UInt8], environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let drained = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: drained) { out = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: drained) { err = errors.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: drained) {
            // A program may exit without reading its input (a bad flag): the write then
            // fails with EPIPE, which the throwing API reports instead of trapping.
            try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        drained.wait()
        exited.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

@Suite struct ChildProcessTests {
    /// 256 KiB on each pipe and on standard input: four times a pipe's buffer.
    /// Reading one pipe to its end first would never return.
    @Test func largeOutputOnBothPipesAndLargeInputDoNotDeadlock() async throws {
        let script = "cat >/dev/null; head -c 262144 /dev/zero; head -c 262144 /dev/zero >&2; exit 3"
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], stdin: Array(repeating: 65, count: 262_144))
        #expect(result.status == 3)
        #expect(result.stdout.utf8.count == 262_144)
        #expect(result.stderr.utf8.count == 262_144)
    }
}
