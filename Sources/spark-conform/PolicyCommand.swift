import ArgumentParser
import SparkConform

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check a policy file, or print the embedded default.",
        subcommands: [Check.self, Default.self, Init.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a policy file; names the line and field that is wrong.")

        @Argument(help: "Policy YAML file.")
        var file: String

        func run() throws {
            let (policy, _) = try PolicyFile.load(file)
            let overrides = policy.namespaceOverrides.keys.sorted()
            print("\(file): valid (mode \(policy.mode.rawValue), preset \(policy.nodeLifecycle.preset.rawValue)"
                + (overrides.isEmpty ? "" : ", overrides for \(overrides.joined(separator: ", "))") + ")")
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a starting policy from what the cluster shows (read with your kubectl, or --from saved outputs).")

        @Flag(name: .customLong("from-cluster"), help: "Read the cluster (required: the one source init knows).")
        var fromCluster = false

        @OptionGroup var source: ClusterSource

        func validate() throws {
            guard fromCluster else { throw ValidationError("give --from-cluster: init writes a policy from what a cluster shows") }
        }

        func run() throws {
            let result = try source.read(for: "spark-conform policy init")
            print(StarterPolicy.yaml(for: result.cluster, releaseNamespace: source.namespace), terminator: "")
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the embedded default policy, commented.")

        func run() { print(DefaultPolicy.yaml, terminator: "") }
    }
}
