import ArgumentParser
import SparkConform

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the policy against the live cluster (read with your kubectl) before a pod is stranded.",
        discussion: "Exit codes: 0 no error; 3 at least one error; 1 nothing could be read.")

    @OptionGroup var source: ClusterSource

    @Option(help: "Policy YAML file to check instead of the one the cluster's ConfigMap holds.")
    var policy: String?

    @Option(help: "text or json.")
    var output: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let result = try source.read(for: "spark-conform doctor")
        let namespace = source.namespace
        let (policy, policySource) = try Self.policy(file: policy, cluster: result.cluster, namespace: namespace)
        let findings = Doctor.run(result.cluster, policy: policy, releaseNamespace: namespace)
        switch output {
        case .json:
            print(JSONWriter.string(Doctor.json(findings)))
        case .text:
            let header = "spark-conform doctor: \(result.cluster.nodes.count) nodes, \(result.cluster.nodePools.count) NodePools, "
                + "\(result.cluster.namespaces.count) namespaces; policy from \(policySource)"
            print(Doctor.text(findings, header: header), terminator: "")
        }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(3) }
    }

    /// The policy to check: the file given, else the chart's ConfigMap, else the embedded default.
    static func policy(file: String?, cluster: ClusterSnapshot, namespace: String) throws -> (Policy, String) {
        if let file { return (try PolicyFile.load(file).0, file) }
        guard let text = Doctor.policyText(in: cluster, releaseNamespace: namespace) else {
            return (Policy(), "the embedded default (no policy ConfigMap in \(namespace))")
        }
        do {
            return (try PolicyLoader.load(yaml: text), "the ConfigMap in \(namespace)")
        } catch {
            throw PolicyFileError(description: "the policy ConfigMap in \(namespace) \(error)")
        }
    }
}
