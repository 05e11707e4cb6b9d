import Foundation
import SparkConform

/// Real pods captured from Spark, in the repository's `fixtures/` directory
/// (shared with the CI checks). Every `*.json` there is a fixture.
public enum Fixture {
    /// The repository's root directory.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory = repository.appendingPathComponent("fixtures")

    public static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    public static func pod(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: directory.appendingPathComponent("\(name).json"))))
    }
}
