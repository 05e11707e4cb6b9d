import SparkConformJSON

/// IRSA: Spark gives executors the namespace's `default` service account
/// unless told otherwise; the policy's account carries the IAM role.
public struct ServiceAccountRule: PodRule {
    public let id = RuleID.serviceAccount
    public var policySection: WritableKeyPath<Policy, Policy.ServiceAccount> { \.serviceAccount }

    static let tokenVolume = "aws-iam-token"
    static let tokenDirectory = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.serviceAccount
        if let skip = skippedForRole(settings.roles, context) { return skip }
        var changes: [String] = []
        var notes: [String] = []
        // Kubernetes falls back from serviceAccountName to the deprecated serviceAccount, then to "default".
        let named = pod[path: ["spec", "serviceAccountName"]]?.stringValue ?? ""
        let deprecated = pod[path: ["spec", "serviceAccount"]]?.stringValue ?? ""
        let current = !named.isEmpty ? named : (!deprecated.isEmpty ? deprecated : "default")
        var effective = current
        if current == "default" {
            // The apiserver refuses a pod whose account does not exist (403): set one
            // only where it is known to exist, otherwise leave the pod as it came.
            guard let evidence = existence(of: settings.name, settings: settings, context: context) else {
                return skipped(
                    "\(settings.name) is not known to exist in namespace \(context.namespace)"
                        + (context.requester.map { " (requested by \($0))" } ?? "")
                        + "; pod left on \(current) (state it in service-account.existsIn or namespaceOverrides)",
                    warning: "\(settings.name) not known to exist in \(context.namespace); pod left on \(current)")
            }
            notes.append(evidence)
            pod[path: ["spec", "serviceAccountName"]] = .string(settings.name)
            if pod[path: ["spec", "serviceAccount"]] != nil {
                pod[path: ["spec", "serviceAccount"]] = .string(settings.name)
            }
            effective = settings.name
            changes.append("serviceAccountName \(named.isEmpty ? "(none)" : named) -> \(settings.name)")
        } else if current != settings.name {
            notes.append("pod chose service account \(current)")
        }

        if let roleARN = settings.roleARN {
            if effective == settings.name {
                changes += injectWebIdentity(roleARN: roleARN, region: settings.region, into: &pod)
            } else {
                // The role trusts the policy's account only; injecting it here would fail at runtime.
                notes.append("IRSA not injected: role is for \(settings.name), pod runs as \(effective)")
            }
        }
        return outcome(
            changes: changes + (changes.isEmpty ? [] : notes),
            satisfiedReason: notes.isEmpty ? "pod already runs as \(effective)" : notes.joined(separator: "; "))
    }

    /// Why the account is known to exist in the pod's namespace, or nil.
    private func existence(of account: String, settings: Policy.ServiceAccount, context: RuleContext) -> String? {
        if settings.statedToExist(in: context.namespace) { return "policy states \(account) exists in \(context.namespace)" }
        if context.requestingServiceAccount == account { return "requested by \(account) itself" }
        return nil
    }

    /// What the EKS pod-identity webhook would inject, under the same names,
    /// so that webhook finds it present and adds nothing twice.
    private func injectWebIdentity(roleARN: String, region: String?, into pod: inout JSONValue) -> [String] {
        var changes: [String] = []
        var environment: [(String, String)] = [
            ("AWS_ROLE_ARN", roleARN),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "\(Self.tokenDirectory)/token"),
            ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
        ]
        if let region { environment += [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)] }

        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        if !volumes.contains(where: { $0["name"]?.stringValue == Self.tokenVolume }) {
            let volume: JSONValue = [
                "name": .string(Self.tokenVolume),
                "projected": [
                    "defaultMode": 420,
                    "sources": [
                        ["serviceAccountToken": ["audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token"]]
                    ],
                ],
            ]
            pod[path: ["spec", "volumes"]] = .array(volumes + [volume])
            changes.append("volume \(Self.tokenVolume)")
        }

        for list in ContainerList.allCases {
            guard var containers = pod[path: ["spec", list.rawValue]]?.arrayValue else { continue }
            var touched: [String] = []
            for index in containers.indices {
                guard var container = containers[index].objectValue else { continue }
                var changed = false
                var env = container["env"]?.arrayValue ?? []
                for (name, value) in environment where !env.contains(where: { $0["name"]?.stringValue == name }) {
                    env.append(["name": .string(name), "value": .string(value)])
                    changed = true
                }
                if changed { container["env"] = .array(env) }
                var mounts = container["volumeMounts"]?.arrayValue ?? []
                let mounted = mounts.contains {
                    $0["name"]?.stringValue == Self.tokenVolume || $0["mountPath"]?.stringValue == Self.tokenDirectory
                }
                if !mounted {
                    mounts.append(["name": .string(Self.tokenVolume), "mountPath": .string(Self.tokenDirectory), "readOnly": true])
                    container["volumeMounts"] = .array(mounts)
                    changed = true
                }
                if changed {
                    containers[index] = .object(container)
                    touched.append(container["name"]?.stringValue ?? "#\(index)")
                }
            }
            if !touched.isEmpty {
                pod[path: ["spec", list.rawValue]] = .array(containers)
                changes.append("IRSA env and token mount in \(touched.joined(separator: ", "))")
            }
        }
        return changes
    }
}

extension RuleID {
    public static let serviceAccount = RuleID(declaring: "service-account")
}
