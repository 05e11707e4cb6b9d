import ArgumentParser
import Foundation

/// How the process was started, as far as the command line tells.
enum Invocation {
    /// kubectl finds plugins by file name: `kubectl-spark_conform` (an underscore
    /// for the dash kubectl's command carries) and runs them with that path as argv[0].
    static let pluginFileName = "kubectl-spark_conform"

    static var isKubectlPlugin: Bool {
        let path = CommandLine.arguments.first ?? ""
        return path.split(separator: "/").last.map(String.init) == pluginFileName
    }

    /// The command as the user typed it.
    static var commandName: String { isKubectlPlugin ? "kubectl spark-conform" : "spark-conform" }

    /// A failure a user can act on: `<command> <subcommand>: <message>` on stderr, exit 1.
    static func fail(_ subcommand: String, _ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("\(commandName) \(subcommand): \(message)\n".utf8))
        return ExitCode(1)
    }
}
