#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writes whole lines to a file descriptor, never interleaving two lines.
/// Unbuffered (the operational log), each line is one `write`. Buffered (the
/// audit log, a line per admission), lines collect until `bufferBytes` are
/// pending or `flush()` runs (the server flushes on a short interval and when
/// it stops): one `write` per batch instead of one per request.
public final class LineWriter: Sendable {
    private struct State {
        let descriptor: Int32
        var pending: [UInt8] = []
    }

    private let state: Mutex<State>
    private let ownsDescriptor: Bool
    /// 0: every line is written at once.
    private let bufferBytes: Int

    /// What the audit log holds before writing: a few hundred lines.
    public static let auditBufferBytes = 64 * 1024

    public static let standardOutput = LineWriter(descriptor: 1, bufferBytes: 0)
    public static let standardError = LineWriter(descriptor: 2, bufferBytes: 0)

    /// Standard output holding lines until `bufferBytes` are pending or `flush()` runs.
    public static func bufferedStandardOutput(bufferBytes: Int) -> LineWriter {
        LineWriter(descriptor: 1, bufferBytes: bufferBytes)
    }

    private init(descriptor: Int32, bufferBytes: Int) {
        state = Mutex(State(descriptor: descriptor))
        ownsDescriptor = false
        self.bufferBytes = bufferBytes
    }

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Appends to a file, creating it when missing; `bufferBytes` as for `bufferedStandardOutput`.
    public init(appendingTo path: String, bufferBytes: Int = 0) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenError(description: "cannot open \(path) for appending: errno \(errno)") }
        state = Mutex(State(descriptor: fd))
        ownsDescriptor = true
        self.bufferBytes = bufferBytes
    }

    deinit {
        state.withLock { state in
            Self.writeAll(state.pending, to: state.descriptor)
            if ownsDescriptor { _ = close(state.descriptor) }
        }
    }

    public func write(line bytes: [UInt8]) {
        state.withLock { state in
            if state.pending.isEmpty { state.pending.reserveCapacity(max(bufferBytes, bytes.count) + 1024) }
            state.pending.append(contentsOf: bytes)
            state.pending.append(0x0A)
            if state.pending.count >= bufferBytes { Self.drain(&state) }
        }
    }

    /// Writes out every line held so far.
    public func flush() {
        state.withLock { Self.drain(&$0) }
    }

    private static func drain(_ state: inout State) {
        guard !state.pending.isEmpty else { return }
        writeAll(state.pending, to: state.descriptor)
        state.pending.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // a lost log line must not take the webhook down
                }
                offset += written
            }
        }
    }
}

/// write(2) from whichever C library the platform has (the type's own
/// `write(line:)` hides the unqualified name).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
    Musl.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
