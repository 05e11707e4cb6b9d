@testable import SparkConform
import Testing
import Yams

/// YAML 1.1 integers, read without trapping arithmetic.
@Suite struct YAMLIntegerTests {
    /// Where Yams' own constructor does not overflow, the values agree with it.
    @Test(arguments: ["0", "7", "-7", "+7", "1_000", "0x1F", "-0x1F", "0o17", "017", "0b101", "1:30", "-1:30", "190:20:30", "9223372036854775807"])
    func agreesWithYamsWhereItDoesNotTrap(text: String) throws {
        let node = try #require(try Yams.compose(yaml: "value: \(text)")?["value"])
        #expect(node.tagName == .int)
        #expect(YAMLInteger.value(of: node) == node.int, "\(text)")
        #expect(YAMLInteger.value(of: node) != nil)
    }

    @Test(arguments: ["8:8:8:8:8:8:8:8:8:8:8:48:4", "9223372036854775808", "0xFFFFFFFFFFFFFFFFF", "0x-1", "1::2", "--1"])
    func overflowAndOddFormsAreNil(text: String) {
        #expect(YAMLInteger.value(of: text) == nil, "\(text)")
    }

    /// The 23 bytes fuzz-policy-preview found (Yams traps on them although the
    /// value fits): as preview input and as a policy value they give a value or
    /// a clear error, never a crash.
    @Test func sexagesimalOverflowIsAnErrorNotACrash() throws {
        // 8·60¹⁰ + … + 48·60 + 4, computed independently.
        #expect(try DocumentReader.read("8:8:8:8:8:8:8:8:8:48:4") == [.number("4919282115254239684")])
        // One that does not fit stays the text it was.
        #expect(try DocumentReader.read("8:8:8:8:8:8:8:8:8:8:8:48:4") == [.string("8:8:8:8:8:8:8:8:8:8:8:48:4")])
        let policy = "rules:\n  local-dirs:\n    uid: 8:8:8:8:8:8:8:8:8:48:4\n"
        let error = #expect(throws: PolicyError.self) { try PolicyLoader.load(yaml: policy) }
        #expect(error?.description.contains("rules.local-dirs.uid: must be between 0 and 2147483647, not 4919282115254239684") == true)
    }
}
