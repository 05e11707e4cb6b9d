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
        /// Show only these rules: their outcomes, and the patch operations they add (`Decision.showing`).
        public var rules: [RuleID]?

        public init(
            output: Output = .explain, format: Format? = nil, namespace: String? = nil, podSecurity: PodSecurityLevel? = nil,
            rules: [RuleID]? = nil
        ) {
            self.output = output
            self.format = format
            self.namespace = namespace
            self.podSecurity = podSecurity
            self.rules = rules
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
        public var explanation: JSONValue { decision.explanation(pod: name, namespace: namespace) }

        public var name: String { decision.podName.isEmpty ? "document \(document)" : decision.podName }
        func showing(_ rules: [RuleID]) -> Item {
            Item(document: document, namespace: namespace, original: original, decision: decision.showing(rules))
        }
        public var wouldChange: Bool { !decision.enforcePatch.isEmpty }
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
        if options.rules != nil, options.output != .explain, options.output != .patch {
            throw Failure(message: "--rules shows some rules' outcomes and operations: it goes with --output explain or patch, not \(options.output.rawValue)")
        }
        let documents: [JSONValue]
        do {
            documents = try DocumentReader.read(input)
        } catch {
            throw Failure(message: error.message)
        }
        var items = try evaluate(
            documents, namespace: options.namespace, podSecurity: options.podSecurity, policy: policy,
            recordingRuleOperations: options.rules != nil)
        if let rules = options.rules { items = items.map { $0.showing(rules) } }
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
        _ documents: [JSONValue], namespace: String?, podSecurity: PodSecurityLevel? = nil, policy: Policy,
        recordingRuleOperations: Bool = false
    ) throws(Failure) -> [Item] {
        var items: [Item] = []
        let resolved = ResolvedPolicy(policy)
        func add(_ request: AdmissionRequest, document: Int) {
            let decision = Mutator.decide(
                request, policy: resolved, podSecurityLabel: podSecurity, recordingRuleOperations: recordingRuleOperations)
            items.append(Item(document: document, namespace: request.namespace, original: request.object ?? .null, decision: decision))
        }
        func add(pod: JSONValue, document: Int) {
            let resolved = namespace ?? PodView(pod).namespace ?? "default"
            add(AdmissionRequest(uid: "preview-\(document)", kind: .pod, operation: "CREATE", namespace: resolved, object: pod), document: document)
        }
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
                add(request, document: position)
            case "Pod":
                add(pod: document, document: position)
            case let list? where list == "List" || list.hasSuffix("List"):
                guard let elements = document["items"]?.arrayValue else {
                    throw Failure(message: "document \(position): \(list) has no items")
                }
                for (index, element) in elements.enumerated() {
                    guard element["kind"]?.stringValue == "Pod" else {
                        throw Failure(message: "document \(position), item \(index + 1): \(describe(element)), not a Pod")
                    }
                    add(pod: element, document: position)
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

    // MARK: rendering

    public static func render(_ items: [Item], output: Output, format: Format) -> String {
        switch (output, format) {
        case (.patch, .json):
            // One line per pod: each line is byte for byte the webhook's patch.
            return items.map { String(decoding: patchBytes($0.decision), as: UTF8.self) + "\n" }.joined()
        case (.patch, _):
            return yamlStream(items.map { PatchOperation.document($0.decision.sentPatch) })
        case (.pod, .json):
            return items.map { JSONWriter.string($0.decision.admittedPod, pretty: true) + "\n" }.joined()
        case (.pod, _):
            return yamlStream(items.map(\.decision.admittedPod))
        case (.diff, _):
            return items.map { item in
                let label = "\(item.namespace)/\(item.name)"
                return LineDiff.unified(
                    from: YAMLWriter.string(item.original), to: YAMLWriter.string(item.decision.admittedPod),
                    fromName: "a/\(label)", toName: "b/\(label)")
            }.joined()
        case (.explain, .json):
            return items.map { JSONWriter.string($0.explanation, pretty: true) + "\n" }.joined()
        case (.explain, .yaml):
            return yamlStream(items.map(\.explanation))
        case (.explain, .text):
            return items.map { $0.decision.explanationText(pod: $0.name, namespace: $0.namespace) }.joined(separator: "\n")
        }
    }

    /// What `/mutate` base64-encodes into `response.patch`, from the same writer.
    public static func patchBytes(_ decision: Decision) -> [UInt8] {
        PatchOperation.documentBytes(decision.sentPatch)
    }

    private static func yamlStream(_ values: [JSONValue]) -> String {
        values.map { "---\n" + YAMLWriter.string($0) }.joined()
    }
}

extension String {
    /// Left-aligned in a column of `length` (explain and doctor tables).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
