/// Where a pod will run: EKS sends it to Fargate when a Fargate profile
/// selects it (its mutating webhook, after this one, sets the scheduler), or
/// when it is already bound there. Fargate refuses hostPath volumes and added
/// capabilities, cannot satisfy node selectors for EC2 capacity, and ignores
/// affinity.
public enum Landing: Sendable, Equatable {
    case ec2
    /// `how`: the profile's selector that matched, or the pod's own binding
    /// (`profile` empty when the binding does not name one).
    case fargate(profile: String, how: String)

    public var description: String {
        switch self {
        case .ec2: "EC2 capacity"
        case .fargate(let profile, let how): profile.isEmpty ? "Fargate (\(how))" : "Fargate profile \(profile) (\(how))"
        }
    }

    public var isFargate: Bool { if case .fargate = self { true } else { false } }

    public static let schedulerName = "fargate-scheduler"
    public static let profileLabel = "eks.amazonaws.com/fargate-profile"
}

/// EKS Fargate profile selectors' wildcards: `*` any run of characters, `?` exactly one.
public enum FargateWildcard {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern.utf8), text = Array(text.utf8)
        var p = 0, t = 0, star = -1, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
