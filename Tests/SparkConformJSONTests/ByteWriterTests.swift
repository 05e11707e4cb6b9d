@testable import SparkConformJSON
import Testing

@Suite struct ByteWriterTests {
    @Test func appendsOfEveryKindGrowPastTheInitialCapacity() {
        var out = ByteWriter(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<200 {
            out.append(UInt8(round % 256))
            expected.append(UInt8(round % 256))
            out.append("ab")
            expected += Array("ab".utf8)
            let chunk = [UInt8](repeating: UInt8(round % 7), count: round % 40)
            out.append(chunk)
            expected += chunk
            out.append(0x20, repeating: round % 5)
            expected += [UInt8](repeating: 0x20, count: round % 5)
            out.append(length: 3) { raw in
                for offset in 0..<3 { raw.storeBytes(of: UInt8(offset), toByteOffset: offset, as: UInt8.self) }
            }
            expected += [0, 1, 2]
        }
        #expect(out.count == expected.count)
        #expect(out.withBytes { Array($0) } == expected)
        #expect(out.finish() == expected)
    }
}
