/// One rule's section of the policy: its on/off switch and whatever else it
/// reads. `read` takes the section of a policy file; fields left out keep
/// their value, unknown ones are errors.
public protocol RuleSettings: Sendable, Equatable {
    var enabled: Bool { get set }
    mutating func read(_ section: inout YAMLFields) throws(PolicyError)
}
