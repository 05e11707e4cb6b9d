import ArgumentParser
import SparkConformCertificates

/// The webhook's Service, whose DNS names a certificate carries: one set of
/// options for `certs generate` and for `serve`'s development certificate.
/// Each takes the name the other command used to give it.
struct ServiceIdentityOptions: ParsableArguments {
    @Option(name: [.customLong("service"), .customLong("service-name")], help: "The webhook's Service name.")
    var service = "spark-conform"

    @Option(name: [.customLong("namespace"), .customLong("service-namespace")], help: "The Service's namespace.")
    var namespace = "spark-conform"

    var identity: CertificateGenerator.Identity { CertificateGenerator.Identity(serviceName: service, namespace: namespace) }
}
