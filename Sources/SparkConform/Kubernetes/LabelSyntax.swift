/// Kubernetes label syntax, so the webhook never writes a selector the
/// apiserver would reject (which would fail the pod's creation).
public enum LabelSyntax {
    /// A label value: empty, or at most 63 characters of `[A-Za-z0-9._-]`
    /// starting and ending alphanumeric.
    public static func isValidValue(_ value: String) -> Bool {
        value.isEmpty || isValidName(value)
    }

    /// A qualified key: optional DNS-subdomain prefix and `/`, then a name.
    public static func isValidKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isValidName(Substring(key))
        case 2: return isValidDNSSubdomain(parts[0]) && isValidName(parts[1])
        default: return false
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isValidName(_ name: some StringProtocol) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        guard isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static func isValidDNSSubdomain(_ name: some StringProtocol) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
            let lower = { (byte: UInt8) in (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte) }
            return lower(first) && lower(last) && bytes.allSatisfy { lower($0) || $0 == UInt8(ascii: "-") }
        }
    }
}
