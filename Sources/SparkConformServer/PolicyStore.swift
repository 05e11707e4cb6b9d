import SparkConform
import Synchronization

/// The policy in force. Readers take a snapshot per request; a reload swaps
/// the whole value at once, so no request sees half of two policies.
public final class PolicyStore: Sendable {
    private let current: Mutex<Policy>

    public init(_ policy: Policy) { current = Mutex(policy) }

    public var policy: Policy { current.withLock { $0 } }

    public func replace(with policy: Policy) { current.withLock { $0 = policy } }
}
