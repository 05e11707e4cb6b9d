/// Kubernetes resource quantities (`10m`, `64Mi`, `1.5`).
public enum Quantity {
    static let suffixes: Set<String> = ["", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    /// A decimal number with an optional suffix.
    public static func isValid(_ text: String) -> Bool {
        let numberEnd = text.firstIndex { !($0.isNumber && $0.isASCII) && $0 != "." } ?? text.endIndex
        let number = text[..<numberEnd]
        return !number.isEmpty && number.filter { $0 == "." }.count <= 1 && number != "."
            && suffixes.contains(String(text[numberEnd...]))
    }
}
