/// Standard base64 with padding (the encoding of `response.patch`).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Written straight into exactly the bytes needed: this runs on every patched pod.
    public static func encodedBytes(_ bytes: [UInt8]) -> [UInt8] {
        let length = (bytes.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { alphabet in
            bytes.withUnsafeBufferPointer { input in
                [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
                    var index = 0
                    var written = 0
                    while index + 3 <= input.count {
                        let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                        out[written] = alphabet[Int(chunk >> 18 & 63)]
                        out[written + 1] = alphabet[Int(chunk >> 12 & 63)]
                        out[written + 2] = alphabet[Int(chunk >> 6 & 63)]
                        out[written + 3] = alphabet[Int(chunk & 63)]
                        index += 3
                        written += 4
                    }
                    let remaining = input.count - index
                    if remaining > 0 {
                        var chunk = UInt32(input[index]) << 16
                        if remaining == 2 { chunk |= UInt32(input[index + 1]) << 8 }
                        out[written] = alphabet[Int(chunk >> 18 & 63)]
                        out[written + 1] = alphabet[Int(chunk >> 12 & 63)]
                        out[written + 2] = remaining == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "=")
                        out[written + 3] = UInt8(ascii: "=")
                    }
                    initialized = length
                }
            }
        }
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") { padding += 1; continue }
            guard padding == 0, let value = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt8(value))
        }
        guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let group = values[index..<min(index + 4, values.count)]
            var chunk: UInt32 = 0
            for (offset, value) in group.enumerated() { chunk |= UInt32(value) << (18 - 6 * UInt32(offset)) }
            out.append(UInt8(chunk >> 16 & 0xFF))
            if group.count > 2 { out.append(UInt8(chunk >> 8 & 0xFF)) }
            if group.count > 3 { out.append(UInt8(chunk & 0xFF)) }
            index += 4
        }
        return out
    }
}
