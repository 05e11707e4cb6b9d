extension Doctor {
    /// The namespaces Spark pods may be sent from: the policy covers them, and they are
    /// neither Kubernetes' own nor the webhook's release namespace.
    static func sparkNamespaces(_ cluster: ClusterSnapshot, _ policy: Policy, releaseNamespace: String) -> [String] {
        let system = ["kube-system", "kube-public", "kube-node-lease", releaseNamespace]
        return cluster.namespaces.keys.sorted().filter { policy.covers(namespace: $0) && !system.contains($0) }
    }

    /// `service-account-exists`: every namespace where the policy says the Spark account
    /// exists has it (the apiserver refuses a pod whose account does not: 403).
    static func serviceAccounts(_ cluster: ClusterSnapshot, _ policy: Policy, releaseNamespace: String) -> [Finding] {
        guard policy.serviceAccount.enabled else { return [] }
        var stated: [(namespace: String, account: String, source: String)] = []
        let name = policy.serviceAccount.name
        for namespace in sparkNamespaces(cluster, policy, releaseNamespace: releaseNamespace) {
            if let account = policy.namespaceOverrides[namespace]?.serviceAccount {
                stated.append((namespace, account, "namespaceOverrides.\(namespace).serviceAccount"))
            } else if policy.serviceAccount.statedToExist(in: namespace) {
                stated.append((namespace, name, "rules.service-account.existsIn"))
            }
        }
        // Listed namespaces the cluster does not have are stated too.
        for namespace in policy.serviceAccount.existsIn where namespace != "*" && cluster.namespaces[namespace] == nil {
            stated.append((namespace, name, "rules.service-account.existsIn"))
        }
        var findings: [Finding] = []
        for entry in stated {
            guard let account = cluster.serviceAccount(entry.account, in: entry.namespace) else {
                findings.append(Finding(
                    severity: .error, check: "service-account-exists", subject: "namespace/\(entry.namespace)",
                    message: "\(entry.source) says service account \(entry.account) exists in \(entry.namespace), but it does not: "
                        + "Spark pods there would be refused (403)",
                    fix: "kubectl -n \(entry.namespace) create serviceaccount \(entry.account) (or the chart's sparkNamespaces), "
                        + "or stop stating it for \(entry.namespace)"))
                continue
            }
            let roleARN = policy.namespaceOverrides[entry.namespace]?.roleARN ?? policy.serviceAccount.roleARN
            if account.annotations["eks.amazonaws.com/role-arn"] == nil && roleARN == nil {
                findings.append(Finding(
                    severity: .info, check: "service-account-exists", subject: "serviceaccount/\(entry.namespace)/\(entry.account)",
                    message: "the Spark account has no eks.amazonaws.com/role-arn annotation and the policy gives no role: Spark pods get no IRSA credentials",
                    fix: "annotate it with the IAM role (or the chart's sparkNamespaces roleArn)"))
            }
        }
        return findings
    }
}
