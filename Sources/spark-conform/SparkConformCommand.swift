import ArgumentParser

@main
struct SparkConformCommand: AsyncParsableCommand {
    /// Read from the name the binary was started by: installed on PATH as
    /// `kubectl-spark_conform`, kubectl runs it for `kubectl spark-conform …`,
    /// and help and usage should say so. As a kubectl plugin, no subcommand
    /// prints help instead of starting a server.
    static var configuration: CommandConfiguration {
        let plugin = Invocation.isKubectlPlugin
        return CommandConfiguration(
            commandName: Invocation.commandName,
            abstract: "Mutating admission webhook that applies the Spark-on-EKS best practices to Spark pods.",
            discussion: plugin
                ? "Running as a kubectl plugin (kubectl-spark_conform on PATH)."
                : "Also a kubectl plugin: install or link this binary as kubectl-spark_conform on PATH for kubectl spark-conform.",
            subcommands: [ServeCommand.self, PreviewCommand.self, AuditCommand.self, DoctorCommand.self, PolicyCommand.self, CertsCommand.self],
            defaultSubcommand: plugin ? nil : ServeCommand.self)
    }
}
