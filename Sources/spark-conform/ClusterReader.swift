import ArgumentParser
import Foundation
import SparkConform

/// Reads the cluster for doctor and `policy init --from-cluster`: saved `kubectl get -o json`
/// outputs, or the user's own kubectl (so EKS's token, SSO and any kubeconfig work unchanged).
struct ClusterReader {
    var kubectl: String
    var namespace: String

    struct Result {
        var cluster = ClusterSnapshot()
        /// What was read, for the header line.
        var read: [String] = []
        /// What could not be read, each with the reason.
        var problems: [String] = []

        /// One `kubectl get -o json` output: its objects added, or why it was not one.
        mutating func add(_ bytes: [UInt8], from what: String, notJSON: String) {
            do {
                cluster.add(try JSONParser.parse(bytes))
                read.append(what)
            } catch {
                problems.append("\(notJSON): \(error)")
            }
        }
    }

    static func fromFiles(_ paths: [String]) -> Result {
        var result = Result()
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                result.problems.append("cannot read \(path)")
                continue
            }
            result.add(Array(data), from: path, notJSON: "\(path) is not a kubectl JSON output")
        }
        return result
    }

    func live() -> Result {
        var result = Result()
        let reads: [(what: String, arguments: [String], optional: Bool)] = [
            ("nodes, namespaces, service accounts and webhook configurations",
             ["get", "nodes,namespaces,serviceaccounts,mutatingwebhookconfigurations", "-A", "-o", "json"], false),
            ("the policy ConfigMap in \(namespace)", ["get", "configmaps", "-n", namespace, "-o", "json"], false),
            // Only where Karpenter is installed: its absence is not a problem.
            ("Karpenter NodePools", ["get", "nodepools.karpenter.sh", "-o", "json"], true),
        ]
        for read in reads {
            switch run(read.arguments) {
            case .success(let output):
                result.add(Array(output.utf8), from: read.what, notJSON: "kubectl \(read.arguments.joined(separator: " ")) printed no JSON")
            case .failure(let message):
                if read.optional && message.contains("the server doesn't have a resource type") { continue }
                result.problems.append("cannot read \(read.what): \(message)")
            }
        }
        return result
    }

    private enum RunResult { case success(String), failure(String) }

    private func run(_ arguments: [String]) -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [kubectl] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure("cannot run \(kubectl): \(error.localizedDescription)")
        }
        // Both pipes drained at once: kubectl's output can pass a pipe's buffer.
        nonisolated(unsafe) var errorData = Data()
        let drained = DispatchGroup()
        DispatchQueue.global().async(group: drained) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        let stderr = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationStatus == 127 { return .failure("\(kubectl) is not installed or not on PATH") }
        guard process.terminationStatus == 0 else {
            return .failure(stderr.isEmpty ? "kubectl exited with \(process.terminationStatus)" : stderr)
        }
        return .success(String(decoding: outputData, as: UTF8.self))
    }
}

/// Where doctor and `policy init` read the cluster from: one set of options for both.
struct ClusterSource: ParsableArguments {
    @Option(name: .customLong("from"), parsing: .upToNextOption, help: "Saved `kubectl get -o json` outputs to read instead of the cluster.")
    var files: [String] = []

    @Option(help: "The webhook's release namespace (its policy ConfigMap and service).")
    var namespace = "spark-conform"

    @Option(help: "The kubectl to run (default: kubectl on PATH).")
    var kubectl = "kubectl"

    /// What could be read; each problem on stderr. Nothing at all is an error (exit 1).
    func read(for command: String) throws -> ClusterReader.Result {
        let result = files.isEmpty ? ClusterReader(kubectl: kubectl, namespace: namespace).live() : ClusterReader.fromFiles(files)
        for problem in result.problems { FileHandle.standardError.write(Data("\(command): \(problem)\n".utf8)) }
        guard !result.read.isEmpty else { throw PolicyFileError(description: "\(command): nothing could be read") }
        return result
    }
}
