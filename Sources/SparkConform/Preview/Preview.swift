import SparkConformJSON

/// The dry-run preview: the same `Mutator` decision the server makes, for
/// pods given as files. The CLI and `POST /preview` both call `run`, so
/// they answer byte for byte alike.
public enum Preview {
    public enum Output: String, Sendable, CaseIterable {
        /// The JSON Patch, exactly as the webhook sends it (one per pod per line).
        case patch
        /// The pod after the patch.
        case pod
        /// A unified diff of the pod before and after.
        case diff
        /// Each rule's outcome and reason.
        case explain
    }

    public enum Format: String, Sendable, CaseIterable {
        case text, json, yaml
    }

    public struct Options: Sendable {
        public var output: Output = .explain
        public var format: Format?
        /// Overrides the namespace found in the input.
        public var namespace: String?
        /// The namespace's `pod-security.kubernetes.io/enforce` level, as the webhook entry would say it.
        public var podSecurity: PodSecurityLevel?

        public init(output: Output = .explain, format: Format? = nil, namespace: String? = nil, podSecurity: PodSecurityLevel? = nil) {
            self.output = output
            self.format = format
            self.namespace = namespace
            self.podSecurity = podSecurity
        }

        public var resolvedFormat: Format {
            format
                ?? {
                    switch output {
                    case .patch: .json
                    case .pod: .yaml
                    case .diff, .explain: .text
                    }
                }()
        }
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public struct Item: Sendable {
        /// 1-based position in the input, for messages.
        public let document: Int
        public let namespace: String
        public let original: JSONValue
        public let decision: Decision
        public var patched: JSONValue { decision.patched }

        public var name: String { decision.podName.isEmpty ? "document \(document)" : decision.podName }
        public var wouldChange: Bool { !decision.wouldPatch.isEmpty }
    }

    public struct Report: Sendable {
        public let items: [Item]
        public let text: String
        public var wouldChange: Bool { items.contains(where: \.wouldChange) }
    }

    public static func run(_ input: String, options: Options, policy: Policy) throws(Failure) -> Report {
        let format = options.resolvedFormat
        guard allowed(format, for: options.output) else {
            throw Failure(message: "--output \(options.output.rawValue) cannot be written as \(format.rawValue)")
        }
        let documents: [JSONValue]
        do {
            documents = try DocumentReader.read(input)
        } catch {
            throw Failure(message: error.message)
        }
        let items = try evaluate(documents, namespace: options.namespace, podSecurity: options.podSecurity, policy: policy)
        return Report(items: items, text: render(items, output: options.output, format: format))
    }

    static func allowed(_ format: Format, for output: Output) -> Bool {
        switch output {
        case .patch, .pod: format != .text
        case .diff: format == .text
        case .explain: true
        }
    }

    public static func evaluate(
        _ documents: [JSONValue], namespace: String?, podSecurity: PodSecurityLevel? = nil, policy: Policy
    ) throws(Failure) -> [Item] {
        var items: [Item] = []
        for (offset, document) in documents.enumerated() where !document.isNull {
            let position = offset + 1
            let kind = document["kind"]?.stringValue
            switch kind {
            case "AdmissionReview":
                let review: AdmissionReview
                do {
                    review = try AdmissionReview.decode(document)
                } catch {
                    throw Failure(message: "document \(position): \(error.message)")
                }
                var request = review.request
                if let namespace { request.namespace = namespace }
                items.append(item(request: request, document: position, podSecurity: podSecurity, policy: policy))
            case "Pod":
                items.append(item(pod: document, document: position, namespace: namespace, podSecurity: podSecurity, policy: policy))
            case let list? where list == "List" || list.hasSuffix("List"):
                guard let elements = document["items"]?.arrayValue else {
                    throw Failure(message: "document \(position): \(list) has no items")
                }
                for (index, element) in elements.enumerated() {
                    guard element["kind"]?.stringValue == "Pod" else {
                        throw Failure(message: "document \(position), item \(index + 1): \(describe(element)), not a Pod")
                    }
                    items.append(item(pod: element, document: position, namespace: namespace, podSecurity: podSecurity, policy: policy))
                }
            default:
                throw Failure(message: "document \(position): \(describe(document)), not a Pod, List or AdmissionReview")
            }
        }
        guard !items.isEmpty else { throw Failure(message: "input holds no documents") }
        return items
    }

    private static func describe(_ document: JSONValue) -> String {
        guard document.objectValue != nil else { return "a \(document.typeName)" }
        guard let kind = document["kind"]?.stringValue else { return "an object without kind" }
        return "a \(kind)"
    }

    private static func item(
        pod: JSONValue, document: Int, namespace: String?, podSecurity: PodSecurityLevel?, policy: Policy
    ) -> Item {
        let resolved = namespace ?? PodView(pod).namespace ?? "default"
        let request = AdmissionRequest(uid: "preview-\(document)", kind: .pod, operation: "CREATE", namespace: resolved, object: pod)
        return item(request: request, document: document, podSecurity: podSecurity, policy: policy)
    }

    private static func item(request: AdmissionRequest, document: Int, podSecurity: PodSecurityLevel?, policy: Policy) -> Item {
        Item(
            document: document, namespace: request.namespace, original: request.object ?? .null,
            decision: Mutator.decide(request, policy: policy, podSecurityLabel: podSecurity))
    }

    // MARK: rendering

    public static func render(_ items: [Item], output: Output, format: Format) -> String {
        switch (output, format) {
        case (.patch, .json):
            // One line per pod: each line is byte for byte the webhook's patch.
            return items.map { String(decoding: patchBytes($0.decision), as: UTF8.self) + "\n" }.joined()
        case (.patch, _):
            return yamlStream(items.map { PatchOperation.document($0.decision.patch) })
        case (.pod, .json):
            return items.map { JSONWriter.string($0.patched, pretty: true) + "\n" }.joined()
        case (.pod, _):
            return yamlStream(items.map(\.patched))
        case (.diff, _):
            return items.map { item in
                let label = "\(item.namespace)/\(item.name)"
                return LineDiff.unified(
                    from: YAMLWriter.string(item.original), to: YAMLWriter.string(item.patched),
                    fromName: "a/\(label)", toName: "b/\(label)")
            }.joined()
        case (.explain, .json):
            return items.map { JSONWriter.string(explanation($0), pretty: true) + "\n" }.joined()
        case (.explain, .yaml):
            return yamlStream(items.map(explanation))
        case (.explain, .text):
            return items.map(explainText).joined(separator: "\n")
        }
    }

    /// What `/mutate` base64-encodes into `response.patch`, from the same writer.
    public static func patchBytes(_ decision: Decision) -> [UInt8] {
        PatchOperation.documentBytes(decision.patch)
    }

    private static func yamlStream(_ values: [JSONValue]) -> String {
        values.map { "---\n" + YAMLWriter.string($0) }.joined()
    }

    public static func explanation(_ item: Item) -> JSONValue {
        let decision = item.decision
        var object = JSONObject([
            ("pod", .string(item.name)), ("namespace", .string(item.namespace)),
            ("role", decision.role.map { .string($0.rawValue) } ?? .null),
            ("appId", decision.appID.map(JSONValue.string) ?? .null),
            ("mode", .string(decision.mode.rawValue)), ("outcome", .string(decision.outcome.rawValue)),
        ])
        if let reason = decision.reason { object["reason"] = .string(reason) }
        if let podSecurity = decision.podSecurity {
            object["podSecurity"] = ["level": .string(podSecurity.level.rawValue), "source": .string(podSecurity.source.rawValue)]
        }
        if let landing = decision.landing { object["runsOn"] = .string(landing.description) }
        if let preset = decision.capacityPreset { object["capacityPreset"] = .string(preset) }
        if let mode = decision.localDirsMode { object["localDirsMode"] = .string(mode.rawValue) }
        if let source = decision.localDirsModeSource { object["localDirsModeFrom"] = .string(source.description) }
        object["rules"] = decision.rulesJSON
        object["warnings"] = .array(decision.warnings.map(JSONValue.string))
        object["auditAnnotations"] = .object(JSONObject(decision.auditAnnotations.map { ($0.key, JSONValue.string($0.value)) }))
        object["patch"] = PatchOperation.document(decision.patch)
        if decision.mode == .audit { object["wouldPatch"] = PatchOperation.document(decision.wouldPatch) }
        return .object(object)
    }

    private static func explainText(_ item: Item) -> String {
        let decision = item.decision
        var lines: [String] = []
        var header = "pod \(item.namespace)/\(item.name)"
        if let role = decision.role { header += " (\(role.rawValue)" + (decision.appID.map { ", app \($0)" } ?? "") + ")" }
        lines.append(header)
        if let reason = decision.reason {
            lines.append("  unchanged: \(reason)")
        } else {
            let count = decision.wouldPatch.count
            let summary = decision.mode == .audit
                ? "mode audit: would apply \(count) patch operation\(count == 1 ? "" : "s"), applies none"
                : "mode enforce: \(count) patch operation\(count == 1 ? "" : "s")"
            lines.append("  " + summary)
            if let podSecurity = decision.podSecurity { lines.append("  pod security: \(podSecurity.description)") }
            if let landing = decision.landing {
                let preset = decision.capacityPreset.map { " (preset \($0))" } ?? ""
                let source = decision.localDirsModeSource.map { " (\($0))" } ?? ""
                lines.append("  runs on: \(landing.description)\(preset); local dirs: \(decision.localDirsMode?.rawValue ?? "-")\(source)")
            }
            let width = RuleID.allCases.map(\.rawValue.count).max() ?? 0
            for outcome in decision.outcomes {
                let status = outcome.status.rawValue.padding(toLength: 9)
                lines.append("  \(status) \(outcome.rule.rawValue.padding(toLength: width))  \(outcome.reason)")
                for conflict in outcome.conflicts { lines.append("    conflict: \(conflict.summary)") }
            }
        }
        for warning in decision.warnings { lines.append("  warning: \(warning)") }
        let annotations = decision.auditAnnotations
        if !annotations.isEmpty {
            lines.append("  audit annotations: " + annotations.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// Left-aligned in a column of `length` (explain and doctor tables).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
