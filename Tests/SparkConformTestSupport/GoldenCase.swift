import Foundation
import SparkConform

/// One folder of `fixtures/cases/`: an input pod (or AdmissionReview), the
/// policy it runs under, the namespace, and what the webhook must answer.
///
///     case.yaml     namespace (required), rules (required: the rules the case is about, maybe []),
///                   podSecurity (the namespace's enforce label, when it has one), about (what the case shows)
///     input.json    a Pod, a List or an AdmissionReview (or input.yaml)
///     policy.yaml   optional; the embedded default when absent
///     patch.json    expected: the operations those rules add, one per line (`preview --output patch --rules …`)
///     explain.txt   expected: those rules' outcomes (`preview --output explain --rules …`)
///
/// A case states results only for the rules it is about, as Kyverno's test
/// folders do: adding a rule, or rewording another's reasons, leaves it
/// alone. The whole patch is still checked on every case, by invariants here
/// and by `Tests/independent/check_patches.py` against the real server; the
/// same folders seed the fuzzer.
public struct GoldenCase: Sendable, CustomStringConvertible {
    public static let directory = Fixture.repository.appendingPathComponent("fixtures/cases")
    public static let expectedFiles = ["patch.json", "explain.txt"]

    public let name: String
    public let folder: URL
    public let namespace: String
    /// The namespace's `pod-security.kubernetes.io/enforce` label, as the chart's webhook entry tells it.
    public let podSecurity: PodSecurityLevel?
    public let input: String
    public let policy: Policy
    /// The rules this case is about, in run order.
    public let rules: [RuleID]

    public var description: String { name }

    public static var names: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What `case.yaml` states: checked strictly, so a stale or misspelt field
    /// (the `replaces:` that once named tests long gone) fails the case.
    public struct Header: Sendable, Equatable {
        public var namespace: String
        public var rules: [RuleID]
        public var podSecurity: PodSecurityLevel?

        public static let fields: Set<String> = ["namespace", "rules", "podSecurity", "about"]

        public init(parsing text: String, case name: String) throws {
            let about = try DocumentReader.read(text).first ?? .null
            if let unknown = about.objectValue?.keys.sorted().first(where: { !Self.fields.contains($0) }) {
                throw Failure(description: "\(name)/case.yaml: unknown field \(unknown) (known: \(Self.fields.sorted().joined(separator: ", ")))")
            }
            guard let namespace = about["namespace"]?.stringValue, !namespace.isEmpty else {
                throw Failure(description: "\(name)/case.yaml: namespace is required")
            }
            self.namespace = namespace
            guard let names = about["rules"]?.arrayValue else {
                throw Failure(description: "\(name)/case.yaml: rules is required: the list of rules the case is about ([] for none)")
            }
            rules = try names.map { entry in
                guard let id = entry.stringValue.flatMap(RuleID.init(rawValue:)) else {
                    throw Failure(description: "\(name)/case.yaml: rules: \(JSONWriter.string(entry)) is not a rule (rules: \(RuleID.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return id
            }
            if let level = about["podSecurity"]?.stringValue {
                guard let parsed = PodSecurityLevel(rawValue: level) else { throw Failure(description: "\(name)/case.yaml: podSecurity '\(level)' is not a level") }
                podSecurity = parsed
            } else {
                podSecurity = nil
            }
        }
    }

    public init(_ name: String) throws {
        self.name = name
        folder = Self.directory.appendingPathComponent(name)
        let header = try Header(parsing: try Self.text(folder.appendingPathComponent("case.yaml")), case: name)
        namespace = header.namespace
        rules = header.rules
        podSecurity = header.podSecurity
        let inputs = ["input.json", "input.yaml"].map(folder.appendingPathComponent).filter { FileManager.default.fileExists(atPath: $0.path) }
        guard inputs.count == 1 else { throw Failure(description: "\(name): needs exactly one of input.json, input.yaml") }
        input = try Self.text(inputs[0])
        let policyFile = folder.appendingPathComponent("policy.yaml")
        policy = FileManager.default.fileExists(atPath: policyFile.path) ? try PolicyLoader.load(yaml: try Self.text(policyFile)) : Policy()
    }

    /// What the webhook answers now, as the expected files spell it.
    public func actual() throws -> [String: String] {
        let patchLines = try Preview.run(input, options: options(.patch), policy: policy).text
        let patches = try patchLines.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        return [
            "patch.json": patches.map(Self.onePerLine).joined(),
            "explain.txt": try Preview.run(input, options: options(.explain), policy: policy).text,
        ]
    }

    public func options(_ output: Preview.Output) -> Preview.Options {
        Preview.Options(output: output, format: output == .patch ? .json : .text, namespace: namespace, podSecurity: podSecurity, rules: rules)
    }

    public func expected(_ file: String) -> String? { try? Self.text(folder.appendingPathComponent(file)) }

    public func write(_ file: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }

    /// A patch as a JSON array with one operation per line: exact, and a reviewer reads its diff.
    static func onePerLine(_ patch: JSONValue) -> String {
        let operations = patch.arrayValue ?? []
        guard !operations.isEmpty else { return "[]\n" }
        return "[\n" + operations.map { "  " + JSONWriter.string($0) }.joined(separator: ",\n") + "\n]\n"
    }

    static func text(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Failure(description: "cannot read \(url.lastPathComponent) of case \(url.deletingLastPathComponent().lastPathComponent)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension GoldenCase {
    /// The case's pods as the AdmissionReview bodies the apiserver would send
    /// (an AdmissionReview input as it is): seeds for the admission fuzzer.
    public func admissionReviews() throws -> [[UInt8]] {
        try DocumentReader.read(input).flatMap { document -> [JSONValue] in
            if document["kind"]?.stringValue == "AdmissionReview" { return [document] }
            let pods = document["kind"]?.stringValue == "Pod" ? [document] : document["items"]?.arrayValue ?? []
            return pods.map { CapturedReview.review($0, uid: "case-\(name)", namespace: namespace) }
        }.map { JSONWriter.bytes($0) }
    }
}
