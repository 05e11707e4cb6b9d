import SparkConform

/// Everything `serve` needs, resolved from flags and environment.
public struct ServerConfiguration: Sendable {
    public var host = "0.0.0.0"
    public var port = 8443
    public var certificateFile: String
    public var keyFile: String
    public var minimumTLSVersion: TLSFiles.MinimumVersion = .tls12
    /// TLS 1.2 suites offered: ECDHE with AEAD only (`TLSCipherSuites`).
    public var cipherSuites: TLSCipherSuites = .default
    /// The apiserver caps objects near 1.5 MB; an UPDATE carries two of them.
    public var maximumBodyBytes = 4 * 1024 * 1024
    /// The policy file to watch for changes; nil runs the given policy for good.
    public var policyFile: String?
    public var policyReloadInterval: Duration = .seconds(2)
    /// How often the certificate and key files are checked (cert-manager rotates them in place).
    public var certificateReloadInterval: Duration = .seconds(10)
    /// A connection with nothing read or written for this long is closed, so idle
    /// or stalled clients cannot hold file descriptors for ever. Above Go's 90 s
    /// idle-connection timeout: the apiserver closes its idle connections first.
    public var idleTimeout: Duration = .seconds(300)
    /// A request whose body has not fully arrived this long after its head is
    /// answered 408 and its connection closed: a client trickling bytes cannot
    /// hold a connection (the idle timeout only sees silence). The apiserver
    /// gives a webhook call at most 30 s, so nothing useful arrives later.
    public var requestTimeout: Duration = .seconds(30)
    /// `POST /preview` requests queued or running at once (on one thread of their
    /// own, off the event loops); more are answered 429 at once.
    public var backgroundRequestLimit = 4
    /// Between closing the listener and closing idle connections: a connection
    /// accepted just before has its first request answered, not cut.
    public var connectionGrace: Duration = .milliseconds(500)
    /// A buffered audit log is written out at least this often (and when the server stops).
    public var auditFlushInterval: Duration = .milliseconds(100)

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
