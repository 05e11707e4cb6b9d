/// What every rule sees: the pod as received and the policy in force for it.
public struct RuleContext: Sendable {
    public let original: PodView
    public let role: SparkRole
    public let policy: Policy
    public let namespace: String
    /// Who asked (`request.userInfo.username`): an executor created by an
    /// in-cluster driver is requested by the driver's own service account.
    public let requester: String?
    /// The Pod Security level the patched pod will be judged at.
    public let podSecurity: PodSecurity
    /// Where the pod will run, judged on the labels it leaves the webhook with.
    public var landing: Landing = .ec2

    public var appID: String? { original.appID }

    /// What local-dirs makes of emptyDir local dirs: Fargate refuses hostPath, and
    /// a Pod Security level may forbid it (the policy says what to do instead).
    public var localDirsMode: Policy.LocalDirs.Mode {
        landing.isFargate ? .keep : policy.localDirs.mode(at: podSecurity.level, preset: policy.nodeLifecycle.preset)
    }

    /// What decided `localDirsMode`: local-dirs says why it keeps an emptyDir by it,
    /// explain and the audit record name it.
    public var localDirsModeSource: Policy.LocalDirs.ModeSource {
        if landing.isFargate { return .fargate }
        let preset = policy.nodeLifecycle.preset
        if policy.localDirs.baseMode(preset: preset) == .hostPath && !podSecurity.level.allowsHostPath {
            return .podSecurity(podSecurity.level)
        }
        return policy.localDirs.modeNamed ? .policy : .preset(preset)
    }

    /// The requester's service account when it lives in the pod's namespace:
    /// an account known to exist there.
    public var requestingServiceAccount: String? {
        guard let requester else { return nil }
        let parts = requester.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", parts[2] == namespace else { return nil }
        return String(parts[3])
    }
}
