extension Doctor {
    /// `local-dirs-nodes`: hostPath local dirs, but no node shows local NVMe, so shuffle data
    /// would go to the root volume outside kubelet's ephemeral-storage accounting.
    static func localDirsNodes(_ cluster: ClusterSnapshot, _ policy: Policy) -> [Finding] {
        let settings = policy.localDirs
        guard settings.enabled, settings.baseMode(preset: policy.nodeLifecycle.preset) == .hostPath else { return [] }
        let candidates = cluster.candidateNodes
        guard !candidates.isEmpty, !candidates.contains(where: hasLocalNVMe) else { return [] }
        return [Finding(
            severity: .warning, check: "local-dirs-nodes", subject: "local-dirs hostPaths \(settings.hostPaths.joined(separator: ", "))",
            message: "local dirs become hostPath, but none of the \(candidates.count) nodes has an instance store (local NVMe): "
                + "DirectoryOrCreate puts shuffle data on the root volume, outside kubelet's ephemeral-storage accounting",
            fix: "use instance types with local NVMe mounted at the host paths, or rules.local-dirs.mode: keep")]
    }

    /// Instance store by the instance type: Karpenter's label, or a family with `d` after its
    /// generation (m5d, r6id, c6gd, g4dn) or a storage family (i3, i4i, im4gn, is4gen, d3, h1).
    static func hasLocalNVMe(_ node: ClusterSnapshot.Node) -> Bool {
        if let nvme = node.labels["karpenter.k8s.aws/instance-local-nvme"] { return nvme != "0" }
        let type = node.labels["node.kubernetes.io/instance-type"] ?? node.labels["beta.kubernetes.io/instance-type"]
            ?? node.labels["karpenter.k8s.aws/instance-family"] ?? ""
        let family = type.split(separator: ".").first.map(String.init) ?? ""
        guard let generation = family.firstIndex(where: \.isNumber) else { return false }
        let series = family[..<generation]
        if ["i", "im", "is", "d", "h"].contains(String(series)) { return true }
        return family[family.index(after: generation)...].contains("d")
    }

    /// `pod-security`: namespaces enforced at a level where the policy's local-dirs mode adds nothing.
    static func podSecurity(_ cluster: ClusterSnapshot, _ policy: Policy) -> [Finding] {
        let settings = policy.localDirs
        let preset = policy.nodeLifecycle.preset
        guard settings.enabled, settings.baseMode(preset: preset) == .hostPath else { return [] }
        var findings: [Finding] = []
        for (namespace, labels) in cluster.namespaces.sorted(by: { $0.key < $1.key }) where policy.covers(namespace: namespace) {
            guard let value = labels["pod-security.kubernetes.io/enforce"] else { continue }
            let level = PodSecurityLevel(rawValue: value) ?? .restricted
            guard settings.mode(at: level, preset: preset) == .keep else { continue }
            findings.append(Finding(
                severity: .info, check: "pod-security", subject: "namespace/\(namespace)",
                message: "enforced at \(level.rawValue), where hostPath is not allowed: Spark's local dirs stay emptyDir there",
                fix: "set rules.local-dirs.modeAt\(level == .baseline ? "Baseline" : "Restricted"): ephemeral with a local-NVMe StorageClass"))
        }
        return findings
    }
}
