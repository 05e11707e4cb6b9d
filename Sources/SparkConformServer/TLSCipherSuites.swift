import NIOSSL

/// The TLS 1.2 cipher suites the server offers. Only ECDHE key exchange with
/// an AEAD cipher (AES-GCM, ChaCha20-Poly1305), the set Kubernetes components
/// are hardened to: CBC suites (Lucky13-style padding oracles, SHA-1 MACs) and
/// static-RSA key exchange (no forward secrecy) are never offered, even on request.
/// Names are IANA's, as in kube-apiserver's `--tls-cipher-suites`.
/// TLS 1.3 suites are all AEAD and not configurable in BoringSSL.
public struct TLSCipherSuites: Sendable, Equatable {
    public let names: [String]

    /// In preference order: ECDSA first (the generated certificates use P-256), GCM before ChaCha20.
    static let accepted: [(name: String, cipher: NIOTLSCipher)] = [
        ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
        ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
        ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
        ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
    ]

    public static let `default` = TLSCipherSuites(validated: accepted.map(\.name))

    public static var acceptedNames: [String] { accepted.map(\.name) }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    private init(validated names: [String]) { self.names = names }

    /// A comma-separated list of IANA names (spaces allowed), in preference order.
    public init(parsing list: String) throws(ParseError) {
        let names = list.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw ParseError(description: "the cipher suite list is empty; accepted: \(Self.acceptedNames.joined(separator: ","))")
        }
        for name in names where !Self.acceptedNames.contains(name) {
            throw ParseError(description: "cipher suite '\(name)' is \(Self.whyNotAccepted(name)); accepted: \(Self.acceptedNames.joined(separator: ","))")
        }
        var seen: Set<String> = []
        self.names = names.filter { seen.insert($0).inserted }
    }

    var ciphers: [NIOTLSCipher] {
        names.compactMap { name in Self.accepted.first { $0.name == name }?.cipher }
    }

    private static func whyNotAccepted(_ name: String) -> String {
        if ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].contains(name) {
            return "a TLS 1.3 suite (TLS 1.3 always offers its three AEAD suites; only TLS 1.2 suites are chosen here)"
        }
        guard name.hasPrefix("TLS_"), name.contains("_WITH_") else {
            return "not an IANA cipher suite name (expected e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)"
        }
        if !name.hasPrefix("TLS_ECDHE_") { return "refused: no ECDHE key exchange, so no forward secrecy" }
        if !(name.contains("_GCM_") || name.contains("CHACHA20_POLY1305") || name.contains("_CCM")) {
            return "refused: not an AEAD cipher (CBC or other)"
        }
        return "not known to this server's TLS library"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var trimmed = self
        while trimmed.first == " " { trimmed.removeFirst() }
        while trimmed.last == " " { trimmed.removeLast() }
        return String(trimmed)
    }
}
