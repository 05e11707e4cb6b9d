import ArgumentParser
import SparkConform

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check a policy file, or print the embedded default.",
        subcommands: [Check.self, Default.self])

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

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the embedded default policy, commented.")

        func run() { print(DefaultPolicy.yaml, terminator: "") }
    }
}
