import SparkConform
import Synchronization

/// The policy in force, resolved as it loads. Readers take a snapshot per
/// request; a reload swaps the whole value at once, so no request sees half
/// of two policies.
public final class PolicyStore: Sendable {
    private let current: Mutex<ResolvedPolicy>

    public init(_ policy: Policy) { current = Mutex(ResolvedPolicy(policy)) }

    public var resolved: ResolvedPolicy { current.withLock { $0 } }
    public var policy: Policy { resolved.policy }

    public func replace(with policy: Policy) {
        let resolved = ResolvedPolicy(policy)
        current.withLock { $0 = resolved }
    }
}
