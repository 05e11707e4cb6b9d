import Foundation
import SparkConformCertificates

enum CertificateFiles {
    /// Writes ca.crt, tls.crt and tls.key; the key is readable by its owner only.
    static func write(_ certificates: ServingCertificates, to directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(certificates.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: "\(directory)/ca.crt"), options: .atomic)
        try Data(certificates.certificatePEM.utf8).write(to: URL(fileURLWithPath: "\(directory)/tls.crt"), options: .atomic)
        let keyPath = "\(directory)/tls.key"
        try Data(certificates.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: keyPath), options: .atomic)
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
    }
}
