import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

@Suite struct JSONTests {
    @Test(arguments: Fixture.names)
    func fixturesRoundTripThroughTheWriter(name: String) throws {
        let pod = try Fixture.pod(name)
        #expect(try JSONParser.parse(JSONWriter.bytes(pod)) == pod)
        #expect(try JSONParser.parse(JSONWriter.bytes(pod, pretty: true)) == pod)
    }

    @Test func keepsKeyOrderNumbersAndEscapes() throws {
        let text = #"{"z":1,"a":[1.50,-0,2e10],"s":"tab\tquote\"slash\/é\u00e9\ud83d\ude00\u0001"}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == ["z", "a", "s"])
        #expect(value["a"] == .array([.number("1.50"), .number("-0"), .number("2e10")]))
        #expect(value["s"] == .string("tab\tquote\"slash/éé😀\u{01}"))
        #expect(JSONWriter.string(value) == #"{"z":1,"a":[1.50,-0,2e10],"s":"tab\tquote\"slash/éé😀\u0001"}"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "\"\\x\"", "tru", "{} x", "\"\\ud800\"", "[\"\u{01}\"]",
    ])
    func malformedInputIsAnErrorNotACrash(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func deepNestingIsRejected() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        _ = try JSONParser.parse(fine)
    }
}
