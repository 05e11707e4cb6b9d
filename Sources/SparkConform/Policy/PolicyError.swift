/// A policy that cannot be loaded: where (line and dotted field) and why.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int?
    public let field: String
    public let message: String

    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0)" } ?? "policy"
        return field.isEmpty ? "\(location): \(message)" : "\(location), \(field): \(message)"
    }
}
