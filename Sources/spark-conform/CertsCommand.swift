import ArgumentParser
import Foundation
import SparkConformCertificates

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Certificate tooling.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write ca.crt, tls.crt and tls.key for the webhook service and print the caBundle.")

        @OptionGroup var service: ServiceIdentityOptions

        @Option(help: "Output directory.")
        var out = "certs/generated"

        @Option(help: "Validity in days.")
        var days = 365

        func run() throws {
            guard days > 0 else { throw ValidationError("--days must be positive") }
            let identity = service.identity
            let generated = try CertificateGenerator.generate(
                for: identity, now: Date(), validity: TimeInterval(days) * 24 * 3600)
            try CertificateFiles.write(generated, to: out)
            FileHandle.standardError.write(Data("wrote \(out)/ca.crt, \(out)/tls.crt, \(out)/tls.key for \(identity.dnsNames.joined(separator: ", "))\ncaBundle:\n".utf8))
            print(generated.caBundle)
        }
    }
}
