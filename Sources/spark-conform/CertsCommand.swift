import ArgumentParser
import Foundation
import SparkConformCertificates

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Certificate tooling.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write ca.crt, tls.crt and tls.key for the webhook service and print the caBundle.")

        @Option(help: "Service name.")
        var service = "spark-conform"

        @Option(help: "Service namespace.")
        var namespace = "spark-conform"

        @Option(help: "Output directory.")
        var out = "certs/generated"

        @Option(help: "Validity in days.")
        var days = 365

        func run() throws {
            guard days > 0 else { throw ValidationError("--days must be positive") }
            let identity = CertificateGenerator.Identity(serviceName: service, namespace: namespace)
            let generated = try CertificateGenerator.generate(
                for: identity, now: Date(), validity: TimeInterval(days) * 24 * 3600)
            try CertificateFiles.write(generated, to: out)
            FileHandle.standardError.write(Data("wrote \(out)/ca.crt, \(out)/tls.crt, \(out)/tls.key for \(identity.dnsNames.joined(separator: ", "))\ncaBundle:\n".utf8))
            print(generated.caBundle)
        }
    }
}
