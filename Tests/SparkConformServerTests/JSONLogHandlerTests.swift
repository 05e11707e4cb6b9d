import Foundation
import Logging
import SparkConform
import SparkConformServer
import Testing

@Suite struct JSONLogHandlerTests {
    @Test func operationalLogsAreJSONLinesApartFromAuditRecords() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LineWriter(appendingTo: path)
        var logger = Logger(label: "spark-conform") { JSONLogHandler(label: $0, writer: writer) }
        logger[metadataKey: "replica"] = "a"
        logger.info("policy refused", metadata: ["file": "/etc/policy.yaml", "error": "line 3: \"bad\"\nvalue"])
        logger.debug("not written at info level")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let line = try JSONParser.parse(String(lines[0]))
        #expect(line["kind"] == "log")
        #expect(line["kind"] != .string(AuditRecord.kind))
        #expect(line["level"] == "info")
        #expect(line["logger"] == "spark-conform")
        #expect(line["message"] == "policy refused")
        #expect(line["file"] == "/etc/policy.yaml")
        #expect(line["error"] == "line 3: \"bad\"\nvalue")
        #expect(line["replica"] == "a")
        #expect(line["time"]?.stringValue?.hasSuffix("Z") == true)
    }
}
