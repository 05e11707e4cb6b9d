import Foundation
import SparkConformServer
import Testing

/// Log and audit lines carry RFC 3339 UTC times with milliseconds, which the
/// audit report and log shippers parse.
@Suite struct TimestampTests {
    @Test func nowIsCurrentAndWellFormed() throws {
        let before = Date().timeIntervalSince1970
        let now = Timestamp.now()
        let parsed = try #require(try? Date(now, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSince1970 - before) < 5)
        #expect(now.count == 24 && now.hasSuffix("Z"))
        #expect(Timestamp.string(Date(timeIntervalSince1970: 951_868_799.5)) == "2000-02-29T23:59:59.500Z")
    }
}
