import ArgumentParser
import Foundation
import SparkConform

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the policy audit log the server writes.",
        subcommands: [AuditReportCommand.self])
}

struct AuditReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise an audit log: per namespace and rule what changed or would change, was satisfied, skipped (why) or in conflict; top conflicts; the apps involved.",
        discussion: """
            Reads the JSON lines `serve` writes (its audit log, or its whole output: other log lines are counted
            and left out). Lines that are not audit records are counted and the first few described; they never
            stop the report. Memory stays bounded whatever the log's size.
            Exit codes: 0 done; 1 unreadable input; 64 bad flags.
            """)

    @Argument(help: "Audit log file; - or nothing reads stdin.")
    var file: String?

    @Option(help: "text | json")
    var format: ReportFormat = .text

    @Option(help: "How many conflicts and apps to list (default 10).")
    var top = 10

    enum ReportFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must not be negative") }
    }

    func run() throws {
        let handle: FileHandle
        if let file, file != "-" {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw Invocation.fail("audit report", "cannot read \(file)") }
            handle = opened
        } else {
            handle = .standardInput
        }
        var report = AuditReport()
        // One part per core: parsing is nearly all the work, and lines are independent.
        let parts = ProcessInfo.processInfo.activeProcessorCount
        do {
            // Chunks, never the whole file: a million-line log is gigabytes in audit mode.
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { bytes in
                    report.add(bytes: bytes.bindMemory(to: UInt8.self), parts: parts) { count, body in
                        DispatchQueue.concurrentPerform(iterations: count, execute: body)
                    }
                }
            }
        } catch {
            throw Invocation.fail("audit report", "cannot read \(file ?? "stdin"): \(error.localizedDescription)")
        }
        report.finish()
        switch format {
        case .text: print(report.text(top: top), terminator: "")
        case .json: print(JSONWriter.string(report.json(top: top), pretty: true))
        }
    }
}
