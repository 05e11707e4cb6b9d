import SparkConformJSON

extension Doctor {
    /// `webhook-configuration`: installed, its four entries, a CA bundle, and the chart's
    /// failurePolicy, timeout and reinvocation.
    static func webhookConfiguration(_ cluster: ClusterSnapshot, releaseNamespace: String) -> [Finding] {
        let ours = cluster.webhookConfigurations.filter { configuration in
            (configuration["webhooks"]?.arrayValue ?? []).contains {
                $0[path: ["clientConfig", "service", "namespace"]]?.stringValue == releaseNamespace
            }
        }
        guard let configuration = ours.first else {
            return [Finding(
                severity: .error, check: "webhook-configuration", subject: "MutatingWebhookConfiguration",
                message: "spark-conform is not installed: no mutating webhook configuration calls a service in namespace \(releaseNamespace), so no Spark pod is patched",
                fix: "helm install spark-conform charts/spark-conform -n \(releaseNamespace) --create-namespace (or give --namespace)")]
        }
        let name = configuration[path: ["metadata", "name"]]?.stringValue ?? ""
        let subject = "mutatingwebhookconfiguration/\(name)"
        let webhooks = configuration["webhooks"]?.arrayValue ?? []
        var findings: [Finding] = []
        let paths = webhooks.compactMap { $0[path: ["clientConfig", "service", "path"]]?.stringValue }
        // The chart's entries: one per Pod Security level and one for unlabelled namespaces, each its own path.
        let missing = PodSecurityLevel.webhookPaths.filter { !paths.contains($0) }
        if !missing.isEmpty {
            findings.append(Finding(
                severity: .error, check: "webhook-configuration", subject: subject,
                message: "no entry calls \(missing.joined(separator: ", ")): namespaces at that Pod Security level are not served as the chart routes them",
                fix: "upgrade the release with the chart (helm upgrade), which renders all four entries"))
        }
        let injected = configuration[path: ["metadata", "annotations", "cert-manager.io/inject-ca-from"]] != nil
        let withoutCA = webhooks.filter { ($0[path: ["clientConfig", "caBundle"]]?.stringValue ?? "").isEmpty }
        if !withoutCA.isEmpty {
            findings.append(Finding(
                severity: .error, check: "webhook-configuration", subject: subject,
                message: "\(withoutCA.count) entr\(withoutCA.count == 1 ? "y has" : "ies have") no caBundle"
                    + (injected ? " (cert-manager's cainjector has not filled it yet)" : "")
                    + ": the apiserver cannot verify the webhook, and with failurePolicy Ignore every pod is created unpatched",
                fix: injected ? "check cert-manager's cainjector and the Certificate's status" : "set certificates.existing.caBundle, or certificates.mode generate"))
        }
        // One finding per kind of difference from the chart, naming the entries it holds for.
        func entries(where condition: (JSONValue) -> Bool) -> [String] {
            webhooks.filter(condition).map { $0["name"]?.stringValue ?? "" }
        }
        func timeout(_ webhook: JSONValue) -> Int {
            webhook["timeoutSeconds"].flatMap { value -> Int? in if case .number(let text) = value { Int(text) } else { nil } } ?? 10
        }
        let slow = entries { timeout($0) > 5 }
        if !slow.isEmpty {
            let longest = webhooks.map(timeout).max() ?? 0
            findings.append(Finding(
                severity: .warning, check: "webhook-configuration", subject: subject,
                message: "timeoutSeconds up to \(longest) on \(slow.joined(separator: ", ")): a slow or unreachable webhook holds every Spark pod create that long (the chart sets 5)",
                fix: "set webhook.timeoutSeconds: 5"))
        }
        let notReinvoked = entries { $0["reinvocationPolicy"]?.stringValue != "IfNeeded" }
        if !notReinvoked.isEmpty {
            findings.append(Finding(
                severity: .warning, check: "webhook-configuration", subject: subject,
                message: "reinvocationPolicy is not IfNeeded on \(notReinvoked.joined(separator: ", ")): a later webhook's change is never seen by spark-conform",
                fix: "set reinvocationPolicy: IfNeeded (the chart's)"))
        }
        let failing = entries { $0["failurePolicy"]?.stringValue == "Fail" }
        if !failing.isEmpty {
            findings.append(Finding(
                severity: .info, check: "webhook-configuration", subject: subject,
                message: "failurePolicy Fail on \(failing.joined(separator: ", ")): Spark pods are refused while the webhook is unreachable",
                fix: "keep several replicas and the PodDisruptionBudget, or use the chart's Ignore"))
        }
        if name >= "pod-identity-webhook", cluster.webhookConfigurations.contains(where: { $0[path: ["metadata", "name"]]?.stringValue == "pod-identity-webhook" }) {
            findings.append(Finding(
                severity: .warning, check: "webhook-configuration", subject: subject,
                message: "\(name) sorts after pod-identity-webhook, which reads serviceAccountName once: the account set here gets no IRSA",
                fix: "name the configuration to sort first (the chart's 00-spark-conform)"))
        }
        return findings
    }
}
