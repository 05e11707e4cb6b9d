import ArgumentParser
import Foundation
import SparkConform

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show offline what the webhook would do to pods (Pod, List, multi-document YAML/JSON, AdmissionReview).",
        discussion: """
            Exit codes: 0 done; 1 unreadable input or policy; 3 with --fail-on-change when a pod would be changed;
            64 bad flags.
            """)

    @Argument(help: "File to read; - or nothing reads stdin.")
    var file: String?

    @Option(help: "Namespace to evaluate in (default: from the input, else 'default').")
    var namespace: String?

    @Option(help: "The namespace's pod-security.kubernetes.io/enforce level: privileged | baseline | restricted (default: the policy's for the namespace).")
    var podSecurity: PodSecurityLevel?

    @Option(help: "Policy YAML file (default: the embedded policy).")
    var policy: String?

    @Option(help: "patch | pod | diff | explain")
    var output: Preview.Output = .explain

    @Option(help: "text | json | yaml (default: json for patch, yaml for pod, text for diff and explain)")
    var format: Preview.Format?

    @Option(
        help: "Show only these rules (comma-separated ids): their outcomes, and the patch operations each adds to the pod the earlier rules left. With --output explain or patch.",
        transform: { text throws in
            switch RuleID.list(text) {
            case .success(let ids): ids
            case .failure(let error): throw ValidationError("\(error)")
            }
        })
    var rules: [RuleID]?

    @Flag(help: "Exit 3 when any pod would be changed (a CI gate for manifests).")
    var failOnChange = false

    func run() throws {
        let input: String
        do {
            if let file, file != "-" {
                input = try String(contentsOfFile: file, encoding: .utf8)
            } else {
                input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
        } catch {
            throw Invocation.fail("preview", "cannot read \(file ?? "stdin"): \(error.localizedDescription)")
        }
        let loaded: Policy
        do {
            (loaded, _) = try PolicyFile.load(policy)
        } catch {
            throw Invocation.fail("preview", "\(error)")
        }
        let options = Preview.Options(output: output, format: format, namespace: namespace, podSecurity: podSecurity, rules: rules)
        let report: Preview.Report
        do {
            report = try Preview.run(input, options: options, policy: loaded)
        } catch {
            throw Invocation.fail("preview", "\(file ?? "stdin"): \(error.message)")
        }
        print(report.text, terminator: "")
        if failOnChange, report.wouldChange { throw ExitCode(3) }
    }
}

extension Preview.Output: ExpressibleByArgument {}
extension Preview.Format: ExpressibleByArgument {}
extension PodSecurityLevel: ExpressibleByArgument {}
