@testable import SparkConformJSON
import Testing

/// The eight-bytes-at-a-time scan the parser and writer share finds exactly
/// the first byte that is not plain printable ASCII (quote, backslash, control,
/// non-ASCII), wherever it sits in a word and whatever follows it.
@Suite struct PlainRunScanTests {
    static func naive(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
            index += 1
        }
        return index
    }

    @Test func firstSpecialByteIsFoundAtEveryPosition() {
        let specials: [UInt8] = [0x22, 0x5C, 0x00, 0x01, 0x1F, 0x80, 0xC3, 0xFF]
        // Bytes around the specials, including the neighbours the word tricks borrow across.
        let fillers: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7E, 0x7F, 0x41]
        for length in 0..<40 {
            for position in 0...length {
                for special in specials {
                    for filler in fillers {
                        var bytes = [UInt8](repeating: filler, count: length)
                        if position < length { bytes[position] = special }
                        // A second special later must not move the answer.
                        if position + 3 < length { bytes[position + 3] = 0x22 }
                        for start in [0, min(1, length), min(5, length)] where start <= position || position == length {
                            let found = bytes.withUnsafeBufferPointer { JSONParser.endOfPlainRun($0, from: start) }
                            #expect(found == Self.naive(bytes, from: start), "length \(length) special \(special) at \(position) from \(start)")
                        }
                    }
                }
            }
        }
    }
}
