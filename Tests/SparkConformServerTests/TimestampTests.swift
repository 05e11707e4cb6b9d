import Foundation
import SparkConformServer
import Testing

/// The hand-written RFC 3339 formatter against Foundation's ISO 8601 style,
/// an independent implementation, over leap years, century rules and epoch edges.
@Suite struct TimestampTests {
    @Test func matchesFoundationAcrossCalendarEdges() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var instants: [TimeInterval] = [0, 0.999, 59.5, 86399.123, 951_782_400, 951_868_799.5, 4_107_542_399.001, 1_795_000_000.042]
        // A pseudo-random walk over 1970-2199, in whole milliseconds.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(TimeInterval(state % 7_258_118_400_000) / 1000)
        }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(Timestamp.string(date) == date.formatted(style), "at \(instant)")
        }
    }

    @Test func nowIsCurrentAndWellFormed() throws {
        let before = Date().timeIntervalSince1970
        let now = Timestamp.now()
        let parsed = try #require(try? Date(now, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSince1970 - before) < 5)
        #expect(now.count == 24 && now.hasSuffix("Z"))
    }
}
