#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writes whole lines to a file descriptor, one `write` per line under a
/// lock, so concurrent requests never interleave their audit records.
public final class LineWriter: Sendable {
    private let descriptor: Mutex<Int32>
    private let ownsDescriptor: Bool

    public static let standardOutput = LineWriter(descriptor: 1)
    public static let standardError = LineWriter(descriptor: 2)

    private init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
        ownsDescriptor = false
    }

    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Appends to a file, creating it when missing.
    public init(appendingTo path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenError(description: "cannot open \(path) for appending: errno \(errno)") }
        descriptor = Mutex(fd)
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { descriptor.withLock { _ = close($0) } }
    }

    public func write(line bytes: [UInt8]) {
        var buffer = bytes
        buffer.append(0x0A)
        descriptor.withLock { fd in
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // a lost log line must not take the webhook down
                    }
                    offset += written
                }
            }
        }
    }
}
