import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How the chart runs the server (deployment.yaml): uid and gid 65532, every
/// capability dropped, no privilege escalation. Tests start the real binary this
/// way, so a call that only root may make fails here as it would in the cluster.
/// Run as root (CI), the binary is started through `setpriv`; run as another
/// user, it already has no capabilities and gets no new privileges.
enum ChartRuntime {
    static let uid: UInt32 = 65532
    static let gid: UInt32 = 65532
    static var asRoot: Bool { geteuid() == 0 }

    /// The program and arguments that run `binary arguments` as the chart does.
    static func command(_ binary: URL, _ arguments: [String]) -> (executable: URL, arguments: [String]) {
        let dropped = asRoot
            ? ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
            : ["--no-new-privs"]
        return (URL(fileURLWithPath: "/usr/bin/setpriv"), dropped + [binary.path] + arguments)
    }

    /// A new directory the server may write (its certificates, its audit log), as an emptyDir would be.
    static func writableDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try handOver(directory)
        return directory
    }

    /// Gives the chart's user a directory or file the test made.
    static func handOver(_ url: URL) throws {
        guard asRoot else { return }
        guard chown(url.path, uid, gid) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
        }
    }

    /// The running process's uid, effective capabilities and no-new-privileges flag, from /proc.
    static func credentials(of pid: Int32) throws -> (uid: String, effectiveCapabilities: String, noNewPrivileges: String) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) -> String {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "" } ?? ""
        }
        return (field("Uid"), field("CapEff"), field("NoNewPrivs"))
    }
}
