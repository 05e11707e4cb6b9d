import SparkConformJSON

/// `spark-conform doctor`: the facts the policy states about the cluster,
/// checked against what the cluster shows. Pure: the CLI reads the cluster.
public enum Doctor {
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable, Comparable {
            case error, warning, info
            private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
            public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
        }

        public var severity: Severity
        /// A stable check id.
        public var check: String
        /// The object the finding is about.
        public var subject: String
        public var message: String
        public var fix: String
    }

    /// Every check, findings most severe first (in check order within a severity).
    public static func run(_ cluster: ClusterSnapshot, policy: Policy, releaseNamespace: String) -> [Finding] {
        let findings = capacityPlacement(cluster, policy) + spotToleration(cluster, policy)
            + serviceAccounts(cluster, policy, releaseNamespace: releaseNamespace)
            + webhookConfiguration(cluster, releaseNamespace: releaseNamespace)
            + localDirsNodes(cluster, policy) + podSecurity(cluster, policy)
        return findings.enumerated().sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }.map(\.element)
    }

    /// The policy the chart rendered into its ConfigMap in the release namespace, if any.
    public static func policyText(in cluster: ClusterSnapshot, releaseNamespace: String) -> String? {
        cluster.configMaps.first {
            $0[path: ["metadata", "namespace"]]?.stringValue == releaseNamespace && $0[path: ["data", "policy.yaml"]] != nil
        }?[path: ["data", "policy.yaml"]]?.stringValue
    }

    // MARK: output

    public static func json(_ findings: [Finding]) -> JSONValue {
        [
            "findings": .array(findings.map {
                [
                    "severity": .string($0.severity.rawValue), "check": .string($0.check), "subject": .string($0.subject),
                    "message": .string($0.message), "fix": .string($0.fix),
                ]
            }),
            "summary": summary(findings),
        ]
    }

    public static func summary(_ findings: [Finding]) -> JSONValue {
        let counts = count(findings)
        return ["error": .int(counts.errors), "warning": .int(counts.warnings), "info": .int(counts.infos)]
    }

    static func count(_ findings: [Finding]) -> (errors: Int, warnings: Int, infos: Int) {
        findings.reduce(into: (errors: 0, warnings: 0, infos: 0)) { counts, finding in
            switch finding.severity {
            case .error: counts.errors += 1
            case .warning: counts.warnings += 1
            case .info: counts.infos += 1
            }
        }
    }

    public static func text(_ findings: [Finding], header: String) -> String {
        var lines = [header]
        for finding in findings {
            lines.append("\(finding.severity.rawValue.padding(toLength: 8))\(finding.check)  \(finding.subject)")
            lines.append("        \(finding.message)")
            if !finding.fix.isEmpty { lines.append("        fix: \(finding.fix)") }
        }
        let (errors, warnings, infos) = count(findings)
        lines.append("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: shared

    /// A plain spark-submit's pod of `role` as the webhook would leave it in `namespace` (enforce mode).
    static func patchedSparkPod(_ role: SparkRole, policy: Policy, namespace: String) -> JSONValue {
        let pod: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string("doctor-\(role.rawValue)"),
                "labels": ["spark-role": .string(role.rawValue), "spark-app-selector": "spark-doctor"],
            ],
            "spec": ["containers": [["name": .string("spark-kubernetes-\(role.rawValue)"), "image": "spark"]]],
        ]
        var enforced = policy
        enforced.mode = .enforce
        return Mutator.decide(pod: pod, namespace: namespace, policy: enforced).admittedPod
    }

    /// The preset whose labels the cluster's nodes (or NodePools) carry.
    public static func suggestedPreset(_ cluster: ClusterSnapshot) -> Policy.CapacityPreset {
        let labels = cluster.candidateNodes.map(\.labels)
        if labels.contains(where: { $0["karpenter.sh/capacity-type"] != nil }) {
            return labels.contains { $0["eks.amazonaws.com/compute-type"] == "auto" } ? .eksAuto : .karpenter
        }
        if labels.contains(where: { $0["node-lifecycle"] != nil }) { return .eksctl }
        if labels.contains(where: { $0["eks.amazonaws.com/capacityType"] != nil }) { return .eksManaged }
        return .auto
    }

    /// A namespace Spark pods could be sent from, for judging the policy: the first covered one with a Spark account.
    static func sparkNamespace(_ cluster: ClusterSnapshot, _ policy: Policy) -> String {
        let account = policy.serviceAccount.name
        return cluster.namespaces.keys.sorted().first { policy.covers(namespace: $0) && cluster.serviceAccount(account, in: $0) != nil }
            ?? "spark"
    }
}
