import SparkConform

extension Policy {
    /// The blog's cluster, one line from the default: eksctl node groups labelled
    /// `node-lifecycle` (Spot tainted `spot=true:NoSchedule`), NVMe mounted at
    /// /pv-disks/local. The default before preset `auto`; tests of behaviour that
    /// needs labelled capacity or hostPath local dirs run on it.
    public static var blogCluster: Policy {
        var policy = Policy()
        policy.nodeLifecycle.preset = .eksctl
        return policy
    }
}
