import Foundation
import Logging
import ServiceLifecycle
import SparkConformServer

// The transport's floor: the webhook's own server (SwiftNIO, TLS, ALPN h2 and
// http/1.1) answering every request with a fixed body and doing nothing else.
// Benchmarks/run puts it between nginx (the ceiling) and the webhook, so the
// gap splits into transport and decision.
// Usage: spark-conform-floor PORT CERT KEY RESPONSE-FILE
let arguments = CommandLine.arguments
guard arguments.count == 5, let port = Int(arguments[1]),
      let response = FileManager.default.contents(atPath: arguments[4]) else {
    FileHandle.standardError.write(Data("usage: spark-conform-floor PORT CERT KEY RESPONSE-FILE\n".utf8))
    exit(64)
}
var configuration = ServerConfiguration(certificateFile: arguments[2], keyFile: arguments[3])
configuration.host = "127.0.0.1"
configuration.port = port
var logger = Logger(label: "floor")
logger.logLevel = .warning
let server = try WebhookServer(configuration: configuration, fixedReply: Array(response), logger: logger)
try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger).run()
