import SparkConformJSON

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
        /// What becomes of Spark's emptyDir local dirs.
        public enum Mode: String, Sendable, CaseIterable {
            /// The node's NVMe through hostPath, made writable by a root init container (the blog's).
            case hostPath
            /// A generic ephemeral volume from a StorageClass (a local-NVMe provisioner),
            /// writable through the pod's fsGroup: admissible at restricted.
            case ephemeral
            /// The emptyDir as Spark made it (a kubelet root already on NVMe).
            case keep
        }

        /// What decided the mode a pod gets.
        public enum ModeSource: Sendable, Equatable, CustomStringConvertible {
            case policy
            case preset(CapacityPreset)
            /// The level forbids the hostPath the policy or preset asks for.
            case podSecurity(PodSecurityLevel)
            case fargate

            public var description: String {
                switch self {
                case .policy: "policy"
                case .preset(let preset): "preset \(preset.rawValue)"
                case .podSecurity(let level): "Pod Security \(level.rawValue)"
                case .fargate: "Fargate"
                }
            }
        }

        public var enabled = true
        /// Used when `modeNamed`; otherwise the capacity preset decides (`CapacityPreset.localDirsMode`).
        public var mode: Mode = .hostPath
        /// The policy named a mode or host paths.
        public var modeNamed = false
        /// Where the namespace's Pod Security level forbids hostPath, `mode: hostPath` becomes these.
        public var modeAtBaseline: Mode = .keep
        public var modeAtRestricted: Mode = .keep
        public var ephemeralStorageClass: String?
        public var ephemeralSize = "100Gi"
        public var roles: Set<SparkRole> = [.executor]
        public var hostPaths = ["/pv-disks/local"]
        /// Spark's images run as uid and gid 185.
        public var uid = 185
        public var gid = 185
        public var initContainer = InitContainer()

        public mutating func read(_ section: inout YAMLFields) throws(PolicyError) {
            if let value = try section.bool("enabled") { enabled = value }
            if let value = try section.roles() { roles = value }
            if let value = try section.choice("mode", Mode.self) {
                mode = value
                modeNamed = true
            }
            for (key, level) in [("modeAtBaseline", PodSecurityLevel.baseline), ("modeAtRestricted", .restricted)] {
                guard let value = try section.choice(key, Mode.self) else { continue }
                guard value != .hostPath else {
                    throw PolicyError(line: section.line(of: key), field: section.field(key), message: "hostPath is not allowed at \(level.rawValue); use ephemeral or keep")
                }
                if level == .baseline { modeAtBaseline = value } else { modeAtRestricted = value }
            }
            if var ephemeral = try section.mapping("ephemeral") {
                if let value = try ephemeral.string("storageClass") {
                    guard LabelSyntax.isValidDNSSubdomain(value) else {
                        throw PolicyError(line: ephemeral.line(of: "storageClass"), field: ephemeral.field("storageClass"), message: "'\(value)' is not a StorageClass name")
                    }
                    ephemeralStorageClass = value
                }
                if let value = try ephemeral.string("size") {
                    guard Quantity.isValid(value) else {
                        throw PolicyError(line: ephemeral.line(of: "size"), field: ephemeral.field("size"), message: "'\(value)' is not a Kubernetes quantity")
                    }
                    ephemeralSize = value
                }
                try ephemeral.rejectUnknown()
            }
            if ephemeralStorageClass == nil, [mode, modeAtBaseline, modeAtRestricted].contains(.ephemeral) {
                throw PolicyError(line: section.node.mark?.line, field: section.field("ephemeral.storageClass"), message: "is required for mode ephemeral")
            }
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
                modeNamed = true
            }
            if let value = try section.int("uid", in: 0...Int(Int32.max)) { uid = value }
            if let value = try section.int("gid", in: 0...Int(Int32.max)) { gid = value }
            if var container = try section.mapping("initContainer") { try initContainer.read(&container) }
            try section.rejectUnknown()
        }

        /// The policy's mode, or the preset's when the policy names none.
        public func baseMode(preset: CapacityPreset) -> Mode { modeNamed ? mode : preset.localDirsMode }

        /// The mode at a Pod Security level: hostPath only where the level allows it.
        public func mode(at level: PodSecurityLevel, preset: CapacityPreset) -> Mode {
            let base = baseMode(preset: preset)
            guard base == .hostPath, !level.allowsHostPath else { return base }
            return level == .baseline ? modeAtBaseline : modeAtRestricted
        }

        /// A generic ephemeral volume's source: one claim per pod, deleted with it.
        var ephemeralSource: JSONValue {
            [
                "volumeClaimTemplate": [
                    "spec": [
                        "accessModes": ["ReadWriteOnce"], "storageClassName": .string(ephemeralStorageClass ?? ""),
                        "resources": ["requests": ["storage": .string(ephemeralSize)]],
                    ]
                ]
            ]
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
