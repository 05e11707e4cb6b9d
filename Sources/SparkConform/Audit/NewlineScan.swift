/// The next newline in a buffer, eight bytes at a time: a log's lines are a few
/// KiB, and a byte-at-a-time search was a tenth of the report's time.
enum NewlineScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A

    static func firstNewline(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        var index = start
        let raw = UnsafeRawPointer(base)
        while index + 8 <= buffer.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ newlines
            // A zero byte in `word` is a newline in the input (the classic has-zero-byte test).
            if (word &- ones) & ~word & highs != 0 { break }
            index += 8
        }
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }
}
