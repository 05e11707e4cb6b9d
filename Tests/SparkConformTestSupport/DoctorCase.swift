import Foundation
import SparkConform

/// A saved cluster for doctor: the `kubectl get -o json` outputs of one folder of
/// fixtures/clusters (real clusters) or fixtures/doctor (one per other check), with
/// the findings doctor must report in `findings.json`.
public enum DoctorCase {
    public static let folders: [URL] = ["fixtures/clusters", "fixtures/doctor"].flatMap { root -> [URL] in
        let directory = Fixture.repository.appendingPathComponent(root)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map(directory.appendingPathComponent).filter {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("cluster.json").path)
        }
    }

    public static var names: [String] { folders.map(\.lastPathComponent) }

    public static func folder(_ name: String) -> URL {
        folders.first { $0.lastPathComponent == name } ?? Fixture.repository.appendingPathComponent("fixtures/doctor/\(name)")
    }

    /// The case's saved outputs, as `--from` takes them.
    public static func savedOutputs(_ name: String) throws -> [URL] {
        let folder = folder(name)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { $0.hasSuffix(".json") && $0 != "findings.json" }.map(folder.appendingPathComponent)
    }

    /// The case's cluster, read as doctor's `--from` reads it.
    public static func cluster(_ name: String) throws -> ClusterSnapshot {
        var cluster = ClusterSnapshot()
        for file in try savedOutputs(name) { cluster.add(try JSONParser.parse(Array(try Data(contentsOf: file)))) }
        return cluster
    }
}
