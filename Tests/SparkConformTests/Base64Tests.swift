import Foundation
@testable import SparkConform
import Testing

/// The patch's base64 is written into the response in place, after what is
/// there: checked against Foundation's encoder, another implementation.
@Suite struct Base64Tests {
    @Test func appendedInPlaceAfterWhatIsThere() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var out = ByteWriter(capacity: 4)
            out.append("prefix")
            bytes.withUnsafeBufferPointer { out.appendBase64($0) }
            out.append("!")
            #expect(String(decoding: out.finish(), as: UTF8.self) == "prefix" + Data(bytes).base64EncodedString() + "!", "length \(length)")
        }
    }
}
