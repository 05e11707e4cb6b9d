import SparkConformJSON

/// Standard base64 with padding (the encoding of `response.patch`). Only
/// the encoder: tests decode with Foundation's, an independent implementation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each 12-bit value as its two output characters (first in the low byte):
    /// a 3-byte group is two lookups and two stores instead of four of each.
    private static let pairs: [UInt16] = (0..<4096).map { value in
        UInt16(alphabet[value >> 6]) | UInt16(alphabet[value & 63]) << 8
    }

    public static func encodedBytes(_ bytes: [UInt8]) -> [UInt8] {
        var out = ByteWriter(capacity: (bytes.count + 2) / 3 * 4)
        bytes.withUnsafeBufferPointer { encode($0, into: &out) }
        return out.finish()
    }

    /// Appends the encoding to `out`, written in place: this runs on every patched pod.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
        out.append(length: (input.count + 2) / 3 * 4) { raw in
            pairs.withUnsafeBufferPointer { pairs in
                var index = 0
                var written = 0
                while index + 3 <= input.count {
                    let chunk = Int(input[index]) << 16 | Int(input[index + 1]) << 8 | Int(input[index + 2])
                    raw.storeBytes(of: pairs[chunk >> 12].littleEndian, toByteOffset: written, as: UInt16.self)
                    raw.storeBytes(of: pairs[chunk & 0xFFF].littleEndian, toByteOffset: written + 2, as: UInt16.self)
                    index += 3
                    written += 4
                }
                let remaining = input.count - index
                if remaining > 0 {
                    var chunk = Int(input[index]) << 16
                    if remaining == 2 { chunk |= Int(input[index + 1]) << 8 }
                    let tail = raw.assumingMemoryBound(to: UInt8.self) + written
                    tail[0] = alphabet[chunk >> 18 & 63]
                    tail[1] = alphabet[chunk >> 12 & 63]
                    tail[2] = remaining == 2 ? alphabet[chunk >> 6 & 63] : UInt8(ascii: "=")
                    tail[3] = UInt8(ascii: "=")
                }
            }
        }
    }
}
