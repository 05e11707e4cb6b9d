extension Policy {
    public struct InitContainer: Sendable, Equatable {
        public var image = "public.ecr.aws/docker/library/busybox:1.36"
        public var cpuRequest = "10m"
        public var memoryRequest = "16Mi"
        public var cpuLimit = "100m"
        public var memoryLimit = "64Mi"
    }

    /// `local-dirs`.
    public struct LocalDirs: RuleSettings {
        public var enabled = true
        public var roles: Set<SparkRole> = [.executor]
        public var hostPaths = ["/pv-disks/local"]
        /// Spark's images run as uid and gid 185.
        public var uid = 185
        public var gid = 185
        public var initContainer = InitContainer()

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.roles() { roles = value }
            if let paths = try section.stringList("hostPaths") {
                guard !paths.isEmpty else {
                    throw PolicyError(line: section.line(of: "hostPaths"), field: section.field("hostPaths"), message: "needs at least one path")
                }
                for (index, path) in paths.enumerated() where !Self.isAbsolutePath(path.value) {
                    throw PolicyError(
                        line: path.line, field: "\(section.field("hostPaths"))[\(index)]",
                        message: "'\(path.value)' is not an absolute path")
                }
                hostPaths = paths.map(\.value)
            }
            if let value = try section.int("uid", in: 0...Int(Int32.max)) { uid = value }
            if let value = try section.int("gid", in: 0...Int(Int32.max)) { gid = value }
            if var container = try section.mapping("initContainer") { try initContainer.read(&container) }
            try section.rejectUnknown()
        }

        static func isAbsolutePath(_ path: String) -> Bool {
            path.hasPrefix("/") && !path.contains("\0") && !path.split(separator: "/").contains("..")
        }
    }
}

extension Policy.InitContainer {
    mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
        if let value = try section.string("image") {
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else {
                throw PolicyError(line: section.line(of: "image"), field: section.field("image"), message: "'\(value)' is not an image reference")
            }
            image = value
        }
        if var resources = try section.mapping("resources") {
            for kind in ["requests", "limits"] {
                guard var quantities = try resources.mapping(kind) else { continue }
                for resource in ["cpu", "memory"] {
                    guard let quantity = try quantities.string(resource) else { continue }
                    guard Quantity.isValid(quantity) else {
                        throw PolicyError(
                            line: quantities.line(of: resource), field: quantities.field(resource),
                            message: "'\(quantity)' is not a Kubernetes quantity")
                    }
                    switch (kind, resource) {
                    case ("requests", "cpu"): cpuRequest = quantity
                    case ("requests", _): memoryRequest = quantity
                    case (_, "cpu"): cpuLimit = quantity
                    default: memoryLimit = quantity
                    }
                }
                try quantities.rejectUnknown()
            }
            try resources.rejectUnknown()
        }
        try section.rejectUnknown()
    }
}
