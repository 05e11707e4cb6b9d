import Foundation
import ServiceLifecycle

/// Calls back when the content of a set of files changes. Polling content
/// (not inotify) follows Kubernetes volume updates, which swap a `..data`
/// symlink rather than write the files, and it sees a half-written file as
/// just another content (the callback refuses it; the next poll retries).
public struct FilePoller: Service {
    let paths: [String]
    let interval: Duration
    let initialContents: [String]
    let onChange: @Sendable ([String]) -> Void

    public init(paths: [String], initialContents: [String], interval: Duration, onChange: @escaping @Sendable ([String]) -> Void) {
        self.paths = paths
        self.initialContents = initialContents
        self.interval = interval
        self.onChange = onChange
    }

    public func run() async throws {
        // Shutdown must not wait out a sleep.
        try? await cancelWhenGracefulShutdown { try await poll() }
    }

    private func poll() async throws {
        var lastSeen = initialContents
        while true {
            try await Task.sleep(for: interval)
            // A file missing mid-swap is looked at again next time.
            let contents = paths.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            guard contents.count == paths.count, contents != lastSeen else { continue }
            lastSeen = contents
            onChange(contents)
        }
    }
}

/// The contents it compares may be a private key: describing the poller (the
/// service lifecycle logs each service at debug level) names the paths only.
extension FilePoller: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "FilePoller(\(paths.joined(separator: ", ")), every \(interval))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["paths": paths, "interval": interval]) }
}
