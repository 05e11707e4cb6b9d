@testable import SparkConform
import Testing

@Suite struct Base64Tests {
    @Test func base64IsAppendedAfterWhatIsThere() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37) % 256) }
            var out = ByteWriter(capacity: 4)
            out.append("prefix")
            bytes.withUnsafeBufferPointer { Base64.encode($0, into: &out) }
            #expect(out.finish() == Array("prefix".utf8) + Base64.encodedBytes(bytes))
        }
    }
}
