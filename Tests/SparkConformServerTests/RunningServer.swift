import Foundation
import SparkConform
import Testing

/// The real binary serving on a free port, started as the chart runs it
/// (`ChartRuntime`), with its certificate and audit log in `directory`.
struct RunningServer {
    let process: Process
    let server: TestServer
    let directory: URL
    let errors: FileHandle

    /// `arguments` come after the test's own (port, drain, grace, certificate directory, audit log).
    static func start(
        drainSeconds: Double = 2, connectionGraceSeconds: Double = 0.5, arguments: [String] = []
    ) async throws -> RunningServer {
        let directory = try ChartRuntime.writableDirectory("server")
        let certificates = directory.appendingPathComponent("certs")
        let (process, errors) = try launch(
            ["--shutdown-drain-seconds", "\(drainSeconds)", "--connection-grace-seconds", "\(connectionGraceSeconds)",
             "--dev-cert-dir", certificates.path, "--audit-log", directory.appendingPathComponent("audit.log").path] + arguments)
        let logged = await Self.read(errors, until: "listening on 127.0.0.1:")
        let server = TestServer(
            port: try #require(listeningPort(in: logged), "server log: \(logged)"), directory: directory,
            caFile: certificates.appendingPathComponent("ca.crt").path, metrics: .init(), policies: .init(Policy()))
        return RunningServer(process: process, server: server, directory: directory, errors: errors)
    }

    /// `spark-conform serve --host 127.0.0.1 --port 0 arguments…` started as the chart runs it; its log on the handle.
    static func launch(
        _ arguments: [String], workingDirectory: URL? = nil, environment: [String: String] = [:]
    ) throws -> (Process, FileHandle) {
        let (executable, wrapped) = ChartRuntime.command(
            PreviewConsistencyTests.cli, ["serve", "--host", "127.0.0.1", "--port", "0"] + arguments)
        let process = Process()
        process.executableURL = executable
        process.arguments = wrapped
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        return (process, errors.fileHandleForReading)
    }

    /// The port in the JSON log line that says where it listens.
    static func listeningPort(in log: String) -> Int? {
        log.range(of: "listening on 127.0.0.1:").flatMap { Int(log[$0.upperBound...].prefix { $0.isNumber }) }
    }

    /// Reads the server's log until a line contains `text` (false at end of output).
    func waitForLog(_ text: String) async -> Bool {
        await Self.read(errors, until: text).contains(text)
    }

    /// What the log said up to `text` (or its end). The blocking reads run on a
    /// dispatch thread, never on the cooperative threads tests share.
    static func read(_ log: FileHandle, until text: String) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var logged = ""
                while !logged.contains(text) {
                    let data = log.availableData
                    if data.isEmpty { break }
                    logged += String(decoding: data, as: UTF8.self)
                }
                continuation.resume(returning: logged)
            }
        }
    }

    /// The rest of the log, to its end (the process has exited or is about to).
    func remainingLog() async -> String {
        await Self.read(errors, until: "\u{0}")
    }

    func waitForExit() async throws {
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    }
}
