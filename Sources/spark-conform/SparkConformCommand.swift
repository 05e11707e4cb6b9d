import ArgumentParser

@main
struct SparkConformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spark-conform",
        abstract: "Mutating admission webhook that applies the Spark-on-EKS best practices to Spark pods.",
        subcommands: [ServeCommand.self, PreviewCommand.self, AuditCommand.self, PolicyCommand.self, CertsCommand.self],
        defaultSubcommand: ServeCommand.self)
}
