import SparkConformJSON

/// Spark's scratch space on the node's NVMe instead of the root volume:
/// the `spark-local-dir-N` emptyDirs become hostPath volumes, and an init
/// container hands them to the Spark user (the host directories are
/// created root-owned).
public struct LocalDirsRule: PodRule {
    public let id = RuleID.localDirs
    public var policySection: WritableKeyPath<Policy, Policy.LocalDirs> { \.localDirs }
    public static let initContainerName = "volume-permissions"
    /// Ours when a different container already holds `initContainerName`.
    public static let fallbackInitContainerName = "spark-conform-volume-permissions"
    /// An empty volume mounted where the API token would go: the apiserver's
    /// ServiceAccount plugin skips a container that already mounts that path
    /// (plugin/pkg/admission/serviceaccount, mountServiceAccountToken), so a root
    /// container that only runs chown carries no token, and adding it no longer
    /// makes the plugin change the pod and call the webhook a second time.
    public static let noTokenVolume = "spark-conform-no-api-token"
    static let apiTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount"
    static let volumePrefix = "spark-local-dir-"

    public init() {}

    public func apply(to pod: inout JSONValue, context: RuleContext) -> RuleOutcome {
        let settings = context.policy.localDirs
        if let skip = skippedForRole(settings.roles, context) { return skip }
        var volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        var changes: [String] = []
        var notes: [String] = []
        var hostPathVolumes: [String] = []
        var warning: String?
        let level = context.podSecurity
        let onFargate = context.landing.isFargate
        let mode = context.localDirsMode
        var kept: [String] = []
        var madeEphemeral = false
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
            var converted = volume.objectValue ?? JSONObject()
            switch mode {
            case .keep:
                kept.append(name)
                continue
            case .hostPath:
                let hostPath = settings.hostPaths[(number - 1) % settings.hostPaths.count]
                converted["emptyDir"] = nil
                converted["hostPath"] = ["path": .string(hostPath), "type": "DirectoryOrCreate"]
                hostPathVolumes.append(name)
                changes.append("\(name) emptyDir -> hostPath \(hostPath)")
            case .ephemeral:
                converted["emptyDir"] = nil
                converted["ephemeral"] = settings.ephemeralSource
                madeEphemeral = true
                changes.append("\(name) emptyDir -> ephemeral volume of \(settings.ephemeralStorageClass ?? "") \(settings.ephemeralSize)")
            }
            volumes[index] = .object(converted)
        }
        if !kept.isEmpty {
            let why =
                switch context.localDirsModeSource {
                case .fargate: "Fargate refuses hostPath"
                case .podSecurity: "mode keep at \(level.description): hostPath is not allowed there"
                case .policy: "mode keep at \(level.description)"
                case .preset(let preset): "preset \(preset.rawValue): \(preset.keptLocalDirsReason); name hostPaths or a mode to change it"
                }
            notes.append("\(kept.joined(separator: ", ")) kept as emptyDir (\(why))")
        }
        var conflicts: [Conflict] = []
        if madeEphemeral {
            // The volume is the pod's fsGroup's: the Spark user (its gid) can write it without a root init container.
            let current = pod[path: ["spec", "securityContext", "fsGroup"]]
            if current == nil {
                pod[path: ["spec", "securityContext", "fsGroup"]] = .int(settings.gid)
                changes.append("securityContext.fsGroup \(settings.gid)")
            } else if current != .int(settings.gid) {
                conflicts.append(Conflict(
                    rule: id, field: "spec.securityContext.fsGroup", podValue: JSONWriter.string(current ?? .null),
                    policyValue: String(settings.gid), resolution: .keptPodValue))
            }
        }
        if !changes.isEmpty { pod[path: ["spec", "volumes"]] = .array(volumes) }

        if !hostPathVolumes.isEmpty && onFargate {
            notes.append("no permissions init container: Fargate refuses added capabilities")
        } else if !hostPathVolumes.isEmpty && !level.level.allowsRootInitContainer {
            notes.append("no permissions init container: a root container with capabilities is not allowed at \(level.description)")
        } else if !hostPathVolumes.isEmpty {
            switch addPermissionsInitContainer(for: hostPathVolumes, role: context.role, settings: settings, to: &pod) {
            case .added(let name, let paths, nil):
                changes.append("init container \(name) chowns \(paths.joined(separator: ", "))")
            case .added(let name, let paths, let collision?):
                changes.append(
                    "init container \(Self.initContainerName) is not ours (\(collision)): added \(name) before it, chowning \(paths.joined(separator: ", "))")
                warning = "\(Self.initContainerName) is not ours; added \(name) first"
            case .present(let name): notes.append("init container \(name) already present")
            case .noMounts: notes.append("no container mounts the local dirs")
            case .namesTaken:
                notes.append("init containers \(Self.initContainerName) and \(Self.fallbackInitContainerName) exist and are not ours: local dirs not chowned")
                warning = "init container names taken by others; local dirs not chowned"
            }
        }
        if changes.isEmpty && hostPathVolumes.isEmpty && notes.isEmpty { return skipped("pod has no \(Self.volumePrefix)N volumes") }
        var result = changes.isEmpty
            ? satisfied(notes.joined(separator: "; "), conflicts: conflicts)
            : applied((changes + notes).joined(separator: "; "), conflicts: conflicts)
        result.warning = warning
        return result
    }

    static func localDirNumber(_ name: String) -> Int? {
        guard name.hasPrefix(volumePrefix), let number = Int(name.dropFirst(volumePrefix.count)), number >= 1 else {
            return nil
        }
        return number
    }

    private enum InitContainerResult {
        /// `collision`: what the container holding our usual name runs instead.
        case added(name: String, paths: [String], collision: String?)
        case present(String)
        case noMounts
        case namesTaken
    }

    /// Ours by what it does, not only by name: one of our names and `chown -R uid:gid` first.
    /// A template's own `volume-permissions` (a chmod as the pod's user, say) is not.
    static func isOurs(_ container: JSONValue, settings: Policy.LocalDirs) -> Bool {
        guard let name = container["name"]?.stringValue, name == initContainerName || name == fallbackInitContainerName,
            let command = container["command"]?.arrayValue, command.count > 3
        else { return false }
        return command[0] == "chown" && command[1] == "-R" && command[2].stringValue == "\(settings.uid):\(settings.gid)"
    }

    private func addPermissionsInitContainer(
        for volumeNames: [String], role: SparkRole, settings: Policy.LocalDirs, to pod: inout JSONValue
    ) -> InitContainerResult {
        let initContainers = pod[path: ["spec", "initContainers"]]?.arrayValue ?? []
        if let ours = initContainers.first(where: { Self.isOurs($0, settings: settings) }) {
            return .present(ours["name"]?.stringValue ?? Self.initContainerName)
        }
        let taken = initContainers.compactMap { $0["name"]?.stringValue }
        let name: String
        var collision: String?
        if !taken.contains(Self.initContainerName) {
            name = Self.initContainerName
        } else if !taken.contains(Self.fallbackInitContainerName) {
            name = Self.fallbackInitContainerName
            let theirs = initContainers.first { $0["name"]?.stringValue == Self.initContainerName }
            let command = (theirs?["command"]?.arrayValue ?? []).prefix(3).compactMap(\.stringValue)
            collision = command.isEmpty ? "its command differs" : "it runs \(command.joined(separator: " "))"
        } else {
            return .namesTaken
        }
        let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
        // Spark's own container first (a template may list a sidecar before it).
        let ordered = containers.filter { $0["name"]?.stringValue == role.containerName }
            + containers.filter { $0["name"]?.stringValue != role.containerName }
        var mounts: [JSONValue] = []
        var paths: [String] = []
        for volume in volumeNames {
            let mountPath = ordered.lazy.compactMap { container in
                container["volumeMounts"]?.arrayValue?.first { $0["name"]?.stringValue == volume }?["mountPath"]?.stringValue
            }.first
            guard let mountPath, !paths.contains(mountPath) else { continue }
            mounts.append(["name": .string(volume), "mountPath": .string(mountPath)])
            paths.append(mountPath)
        }
        guard !paths.isEmpty else { return .noMounts }
        mounts.append(["name": .string(Self.noTokenVolume), "mountPath": .string(Self.apiTokenPath), "readOnly": true])
        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        if !volumes.contains(where: { $0["name"]?.stringValue == Self.noTokenVolume }) {
            pod[path: ["spec", "volumes"]] = .array(volumes + [["name": .string(Self.noTokenVolume), "emptyDir": [:]]])
        }
        let owner = "\(settings.uid):\(settings.gid)"
        let container: JSONValue = [
            "name": .string(name),
            "image": .string(settings.initContainer.image),
            "imagePullPolicy": "IfNotPresent",
            "command": .array((["chown", "-R", owner] + paths).map(JSONValue.string)),
            "resources": [
                "requests": ["cpu": .string(settings.initContainer.cpuRequest), "memory": .string(settings.initContainer.memoryRequest)],
                "limits": ["cpu": .string(settings.initContainer.cpuLimit), "memory": .string(settings.initContainer.memoryLimit)],
            ],
            // Root, but only with what chown -R needs, and only capabilities Pod
            // Security's baseline level allows: CHOWN to change owners, DAC_OVERRIDE
            // to descend into directories another user made private (DAC_READ_SEARCH
            // would do too, but baseline refuses it). Tests/independent/check_capabilities.py
            // runs the real chown with exactly this set, and with less.
            "securityContext": [
                "runAsUser": 0, "runAsNonRoot": false, "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true, "privileged": false,
                "capabilities": ["drop": ["ALL"], "add": ["CHOWN", "DAC_OVERRIDE"]],
            ],
            "volumeMounts": .array(mounts),
        ]
        // First, so every other init container finds the local dirs writable.
        pod[path: ["spec", "initContainers"]] = .array([container] + initContainers)
        return .added(name: name, paths: paths, collision: collision)
    }
}

extension RuleID {
    public static let localDirs = RuleID(declaring: "local-dirs")
}
