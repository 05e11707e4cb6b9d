import SparkConformJSON

/// Spark's scratch space on the node's NVMe instead of the root volume:
/// the `spark-local-dir-N` emptyDirs become hostPath volumes, and an init
/// container hands them to the Spark user (the host directories are
/// created root-owned).
public struct LocalDirsRule: PodRule {
    public let id = RuleID.localDirs
    public var policySection: WritableKeyPath<Policy, Policy.LocalDirs> { \.localDirs }
    public func isEnabled(in policy: Policy) -> Bool { policy.localDirs.enabled }
    public static let initContainerName = "volume-permissions"
    static let volumePrefix = "spark-local-dir-"

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.localDirs
        if let skip = skippedForRole(settings.roles, context) { return skip }
        var volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        var changes: [String] = []
        var notes: [String] = []
        var hostPathVolumes: [String] = []
        for (index, volume) in volumes.enumerated() {
            guard let name = volume["name"]?.stringValue, let number = Self.localDirNumber(name) else { continue }
            if volume["hostPath"] != nil {
                hostPathVolumes.append(name)
                continue
            }
            guard let emptyDir = volume["emptyDir"]?.objectValue else {
                notes.append("\(name) keeps its \(volume.objectValue?.keys.first { $0 != "name" } ?? "own") source")
                continue
            }
            if emptyDir["medium"]?.stringValue == "Memory" {
                notes.append("\(name) is tmpfs, left alone")
                continue
            }
            // Converting would drop the user's sizeLimit: never remove a user's value.
            if !emptyDir.keys.allSatisfy({ $0 == "medium" }) || (emptyDir["medium"].map { $0 != "" } ?? false) {
                notes.append("\(name) has emptyDir settings of its own, left alone")
                continue
            }
            let hostPath = settings.hostPaths[(number - 1) % settings.hostPaths.count]
            var converted = volume.objectValue ?? JSONObject()
            converted["emptyDir"] = nil
            converted["hostPath"] = ["path": .string(hostPath), "type": "DirectoryOrCreate"]
            volumes[index] = .object(converted)
            hostPathVolumes.append(name)
            changes.append("\(name) emptyDir -> hostPath \(hostPath)")
        }
        if !changes.isEmpty { pod[path: ["spec", "volumes"]] = .array(volumes) }

        if !hostPathVolumes.isEmpty {
            switch addPermissionsInitContainer(for: hostPathVolumes, role: context.role, settings: settings, to: &pod) {
            case .added(let paths): changes.append("init container \(Self.initContainerName) chowns \(paths.joined(separator: ", "))")
            case .present: notes.append("init container \(Self.initContainerName) already present")
            case .noMounts: notes.append("no container mounts the local dirs")
            }
        }
        if changes.isEmpty {
            if hostPathVolumes.isEmpty && notes.isEmpty { return skipped("pod has no \(Self.volumePrefix)N volumes") }
            return satisfied(notes.joined(separator: "; "))
        }
        return applied((changes + notes).joined(separator: "; "))
    }

    static func localDirNumber(_ name: String) -> Int? {
        guard name.hasPrefix(volumePrefix), let number = Int(name.dropFirst(volumePrefix.count)), number >= 1 else {
            return nil
        }
        return number
    }

    private enum InitContainerResult { case added([String]), present, noMounts }

    private func addPermissionsInitContainer(
        for volumeNames: [String], role: SparkRole, settings: Policy.LocalDirs, to pod: inout JSONValue
    ) -> InitContainerResult {
        let initContainers = pod[path: ["spec", "initContainers"]]?.arrayValue ?? []
        if initContainers.contains(where: { $0["name"]?.stringValue == Self.initContainerName }) { return .present }
        let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
        // Spark's own container first (a template may list a sidecar before it).
        let ordered = containers.filter { $0["name"]?.stringValue == role.containerName }
            + containers.filter { $0["name"]?.stringValue != role.containerName }
        var mounts: [JSONValue] = []
        var paths: [String] = []
        for name in volumeNames {
            let mountPath = ordered.lazy.compactMap { container in
                container["volumeMounts"]?.arrayValue?.first { $0["name"]?.stringValue == name }?["mountPath"]?.stringValue
            }.first
            guard let mountPath, !paths.contains(mountPath) else { continue }
            mounts.append(["name": .string(name), "mountPath": .string(mountPath)])
            paths.append(mountPath)
        }
        guard !paths.isEmpty else { return .noMounts }
        let owner = "\(settings.uid):\(settings.gid)"
        let container: JSONValue = [
            "name": .string(Self.initContainerName),
            "image": .string(settings.initContainer.image),
            "imagePullPolicy": "IfNotPresent",
            "command": .array((["chown", "-R", owner] + paths).map(JSONValue.string)),
            "resources": [
                "requests": ["cpu": .string(settings.initContainer.cpuRequest), "memory": .string(settings.initContainer.memoryRequest)],
                "limits": ["cpu": .string(settings.initContainer.cpuLimit), "memory": .string(settings.initContainer.memoryLimit)],
            ],
            // Root, but only with what chown -R needs: CHOWN to change owners,
            // DAC_READ_SEARCH to descend into directories Spark made private.
            "securityContext": [
                "runAsUser": 0, "runAsNonRoot": false, "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true, "privileged": false,
                "capabilities": ["drop": ["ALL"], "add": ["CHOWN", "DAC_READ_SEARCH"]],
            ],
            "volumeMounts": .array(mounts),
        ]
        pod[path: ["spec", "initContainers"]] = .array(initContainers + [container])
        return .added(paths)
    }
}

extension RuleID {
    public static let localDirs = RuleID(declaring: "local-dirs")
}
