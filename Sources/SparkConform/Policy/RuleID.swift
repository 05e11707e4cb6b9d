/// A rule's stable id, as policy files, annotations, logs and metrics spell
/// it. Each rule declares its own id next to its code; the set of ids and
/// their order are `RuleTable`'s.
public struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Declares an id; only rule files do this (the table lists the rules).
    init(declaring rawValue: String) { self.rawValue = rawValue }

    /// The id of a rule in the table, or nil for a name no rule has.
    public init?(rawValue: String) {
        guard let rule = RuleTable.rules.first(where: { $0.id.rawValue == rawValue }) else { return nil }
        self = rule.id
    }

    /// Every rule's id, in the order the rules run.
    public static var allCases: [RuleID] { RuleTable.ids }

    public var description: String { rawValue }

    /// A comma-separated list of rule ids (`preview --rules`, `/preview?rules=`);
    /// the error names what is not a rule and what is.
    public static func list(_ text: String) -> Result<[RuleID], RuleListError> {
        var ids: [RuleID] = []
        for name in text.split(separator: ",").map(\.trimmingSpaces) where !name.isEmpty {
            guard let id = RuleID(rawValue: name) else { return .failure(RuleListError(name: name)) }
            if !ids.contains(id) { ids.append(id) }
        }
        return .success(ids)
    }

    public struct RuleListError: Error, Sendable, CustomStringConvertible {
        public let name: String
        public var description: String {
            "'\(name)' is not a rule; rules: \(RuleTable.ids.map(\.rawValue).joined(separator: ", "))"
        }
    }

    /// Run order.
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool {
        (RuleTable.index(of: lhs) ?? .max) < (RuleTable.index(of: rhs) ?? .max)
    }
}
