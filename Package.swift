// swift-tools-version:6.2
// 6.2: async-http-client, swift-log, swift-metrics, swift-service-lifecycle and
// swift-prometheus at these versions need it.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "spark-conform",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SparkConform", targets: ["SparkConform"]),
        .executable(name: "spark-conform", targets: ["spark-conform"]),
    ],
    // Exact versions: Package.resolved is not kept, so the image and every clone
    // build what was tested; a bump is a reviewed change here.
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", exact: "1.46.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", exact: "1.2.0"),
    ],
    targets: [
        // Pure: no I/O, no clock, no globals. JSON alone: no Kubernetes, no YAML.
        .target(name: "SparkConformJSON", swiftSettings: strict),
        .target(
            name: "SparkConform",
            dependencies: [
                "SparkConformJSON", .product(name: "Yams", package: "Yams"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SparkConformCertificates",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SparkConformServer",
            dependencies: [
                "SparkConform",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "spark-conform",
            dependencies: [
                "SparkConform",
                "SparkConformServer",
                "SparkConformCertificates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SparkConformTestSupport",
            dependencies: ["SparkConform"],
            path: "Tests/SparkConformTestSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "spark-conform-microbench",
            dependencies: ["SparkConform", "SparkConformTestSupport"],
            path: "Benchmarks/Microbench",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "spark-conform-floor",
            dependencies: [
                "SparkConformServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/FloorServer",
            swiftSettings: strict
        ),
        // Fuzz targets: libFuzzer entry points when built with -sanitize=fuzzer -DFUZZING,
        // corpus replayers otherwise (Fuzz/README.md).
        .executableTarget(
            name: "fuzz-admission",
            dependencies: ["SparkConformTestSupport"],
            path: "Fuzz/Admission",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fuzz-policy-preview",
            dependencies: ["SparkConformTestSupport"],
            path: "Fuzz/PolicyAndPreview",
            swiftSettings: strict
        ),
        .testTarget(name: "SparkConformJSONTests", dependencies: ["SparkConformJSON"], swiftSettings: strict),
        .testTarget(
            name: "SparkConformTests",
            dependencies: ["SparkConform", "SparkConformTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SparkConformCertificatesTests",
            dependencies: [
                "SparkConformCertificates",
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SparkConformServerTests",
            dependencies: [
                "SparkConform",
                "SparkConformServer",
                "SparkConformCertificates",
                "SparkConformTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
    ]
)
