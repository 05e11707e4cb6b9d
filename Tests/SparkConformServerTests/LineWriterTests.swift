import Foundation
import SparkConformServer
import Testing

@Suite struct LineWriterTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).jsonl").path
    }

    private func lines(_ path: String) throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    @Test func bufferedLinesWaitForFlushOrAFullBuffer() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LineWriter(appendingTo: path, bufferBytes: 100)
        writer.write(line: Array(#"{"n":1}"#.utf8))
        writer.write(line: Array(#"{"n":2}"#.utf8))
        #expect(try lines(path).isEmpty)
        writer.flush()
        #expect(try lines(path) == [#"{"n":1}"#, #"{"n":2}"#])
        // Reaching the buffer size writes without a flush.
        let long = String(repeating: "x", count: 120)
        writer.write(line: Array(long.utf8))
        #expect(try lines(path) == [#"{"n":1}"#, #"{"n":2}"#, Substring(long)])
    }

    @Test func unbufferedLinesAreWrittenAtOnce() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LineWriter(appendingTo: path)
        writer.write(line: Array("one".utf8))
        #expect(try lines(path) == ["one"])
    }

    @Test func concurrentWritersNeverInterleaveLines() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LineWriter(appendingTo: path, bufferBytes: 4096)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 { writer.write(line: Array("task \(task) line \(index) \(String(repeating: "y", count: index % 50))".utf8)) }
                }
            }
        }
        writer.flush()
        let written = try lines(path)
        #expect(written.count == 4000)
        for task in 0..<8 {
            let own = written.filter { $0.hasPrefix("task \(task) ") }
            #expect(own.count == 500)
            // Each line whole, in the order its task wrote them.
            #expect(own.enumerated().allSatisfy { $0.element == "task \(task) line \($0.offset) \(String(repeating: "y", count: $0.offset % 50))" })
        }
    }
}
