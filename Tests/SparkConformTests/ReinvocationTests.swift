import SparkConform
import SparkConformTestSupport
import Testing

/// The apiserver's reinvocation path, modelled from its source:
/// staging/src/k8s.io/apiserver/pkg/admission/reinvocation.go re-runs the whole
/// mutating chain (the in-tree plugins too) once when a webhook changed the
/// object, and the mutating dispatcher calls an IfNeeded webhook again only if
/// the object changed since its last call. The in-tree step that matters is the
/// ServiceAccount plugin (plugin/pkg/admission/serviceaccount, mountServiceAccountToken):
/// every container and init container without a mount at the API token path
/// gets one, and the pod a projected `kube-api-access-*` volume if it has none.
/// Also modelled: the apiserver refuses a reinvocation's audit annotation whose
/// value differs from the first call's (same key).
@Suite struct ReinvocationTests {
    static let tokenPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The ServiceAccount plugin's token mount.
    static func serviceAccountPlugin(_ pod: JSONValue) -> JSONValue {
        var pod = pod
        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        let existing = volumes.compactMap { $0["name"]?.stringValue }.first { $0.hasPrefix("kube-api-access-") }
        let volumeName = existing ?? "kube-api-access-x7k2q"
        var needsVolume = false
        for list in ["initContainers", "containers"] {
            guard var containers = pod[path: ["spec", list]]?.arrayValue else { continue }
            for index in containers.indices {
                let mounts = containers[index]["volumeMounts"]?.arrayValue ?? []
                if mounts.contains(where: { $0["mountPath"]?.stringValue == tokenPath }) { continue }
                containers[index][path: ["volumeMounts"]] = .array(
                    mounts + [["name": .string(volumeName), "readOnly": true, "mountPath": .string(tokenPath)]])
                needsVolume = true
            }
            pod[path: ["spec", list]] = .array(containers)
        }
        if needsVolume, existing == nil {
            pod[path: ["spec", "volumes"]] = .array(volumes + [["name": .string(volumeName), "projected": ["defaultMode": 420, "sources": [["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]]]]]])
        }
        return pod
    }

    struct Admission {
        var calls: [Decision] = []
        var stored: JSONValue = .null
        /// Annotation values the apiserver kept, and the ones it refused to overwrite.
        var annotations: [String: String] = [:]
        var refused: [String] = []
    }

    /// Round one: the plugin, then the webhook. Round two, when the webhook changed
    /// the pod: the plugin again, and the webhook again if the pod changed since its call.
    static func admit(_ pod: JSONValue, namespace: String, policy: Policy, podSecurity: PodSecurityLevel? = nil) throws -> Admission {
        var admission = Admission()
        var object = serviceAccountPlugin(pod)
        func callWebhook() throws {
            let decision = Mutator.decide(pod: object, namespace: namespace, policy: policy, podSecurityLabel: podSecurity)
            for (key, value) in decision.auditAnnotations {
                if let kept = admission.annotations[key] {
                    if kept != value { admission.refused.append(key) }
                } else {
                    admission.annotations[key] = value
                }
            }
            object = try JSONPatch.apply(decision.sentPatch, to: object)
            admission.calls.append(decision)
        }
        try callWebhook()
        if !admission.calls[0].sentPatch.isEmpty {
            let afterWebhook = object
            object = serviceAccountPlugin(object)
            if object != afterWebhook { try callWebhook() }
        }
        admission.stored = object
        return admission
    }

    /// Every golden case that creates pods: one call, whatever the rules added
    /// (the init container carries no token, so the plugin changes nothing after us).
    @Test(arguments: GoldenCase.names)
    func oneCallPerPod(name: String) throws {
        let golden = try GoldenCase(name)
        for item in try Preview.evaluate(try DocumentReader.read(golden.input), namespace: golden.namespace, podSecurity: golden.podSecurity, policy: golden.policy)
        where item.decision.reason == nil {
            let admission = try Self.admit(item.original, namespace: item.namespace, policy: golden.policy, podSecurity: golden.podSecurity)
            #expect(admission.calls.count == 1, "\(name): the plugin changed the pod after the webhook")
            #expect(admission.refused.isEmpty)
            // No init container the webhook added carries the API token.
            let before = (item.original[path: ["spec", "initContainers"]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            let ours = (admission.stored[path: ["spec", "initContainers"]]?.arrayValue ?? []).filter {
                !before.contains($0["name"]?.stringValue ?? "")
            }
            for container in ours {
                let token = container["volumeMounts"]?.arrayValue?.first { $0["mountPath"]?.stringValue == Self.tokenPath }
                #expect(token?["name"]?.stringValue == LocalDirsRule.noTokenVolume)
            }
        }
    }

    /// A second call on the reinvocation view (the plugin mounted the token into
    /// every container, ours included, as it did before the no-token mount):
    /// an empty patch, and no audit annotation that differs from the first call's.
    @Test(arguments: GoldenCase.names)
    func aSecondCallChangesNothing(name: String) throws {
        let golden = try GoldenCase(name)
        for item in try Preview.evaluate(try DocumentReader.read(golden.input), namespace: golden.namespace, podSecurity: golden.podSecurity, policy: golden.policy)
        where item.decision.reason == nil && item.decision.mode == .enforce {
            let first = Mutator.decide(pod: Self.serviceAccountPlugin(item.original), namespace: item.namespace, policy: golden.policy, podSecurityLabel: golden.podSecurity)
            var view = try JSONPatch.apply(first.sentPatch, to: Self.serviceAccountPlugin(item.original))
            // As if our container had no no-token mount: the plugin mounts the token into it too.
            view[path: ["spec", "initContainers"]] = (view[path: ["spec", "initContainers"]]?.arrayValue).map { containers in
                .array(containers.map { container in
                    var container = container
                    container[path: ["volumeMounts"]] = .array((container["volumeMounts"]?.arrayValue ?? []).filter {
                        $0["mountPath"]?.stringValue != Self.tokenPath
                    })
                    return container
                })
            }
            view = Self.serviceAccountPlugin(view)
            let second = Mutator.decide(pod: view, namespace: item.namespace, policy: golden.policy, podSecurityLabel: golden.podSecurity)
            #expect(second.sentPatch.isEmpty, "\(name): second call patched \(second.sentPatch.map(\.path.description))")
            let kept = Dictionary(first.auditAnnotations.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            for (key, value) in second.auditAnnotations {
                #expect(kept[key] == nil || kept[key] == value, "\(name): \(key) was \(kept[key] ?? "") then \(value)")
            }
        }
    }

    /// The two golden cases of the apiserver's path say the same in their annotations.
    @Test func theReinvocationCasesAgree() throws {
        func annotations(_ name: String) throws -> String? {
            try GoldenCase(name).expected("explain.txt")?.split(separator: "\n").first { $0.contains("audit annotations:") }.map(String.init)
        }
        let first = try #require(try annotations("reinvocation-first-call"))
        #expect(try annotations("reinvocation-second-call") == first)
        #expect(try GoldenCase("reinvocation-second-call").expected("patch.json") == "[]\n")
    }
}
