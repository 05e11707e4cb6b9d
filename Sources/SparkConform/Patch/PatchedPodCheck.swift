import SparkConformJSON

/// The invariant every patched pod must keep: the apiserver refuses a pod
/// whose volume names, container names or mount paths (per container) repeat,
/// or whose mount names a volume that is not there. The check runs once, in
/// the core, on the rules' draft; a violation the received pod did not
/// already have means a rule went wrong, and the pod is allowed unpatched.
public enum PatchedPodCheck {
    /// The parts of `spec` the check reads: a patch that touches none of them cannot break it.
    static let checkedFields: Set<String> = ["volumes", "containers", "initContainers"]

    /// The first violation the patched pod has and the received one has not, or nil.
    public static func introducedViolation(original: JSONValue, patched: JSONValue) -> String? {
        let found = violations(patched)
        guard !found.isEmpty else { return nil }
        let before = violations(original)
        return found.first { !before.contains($0) }
    }

    /// Whether a patch can break the invariant at all.
    static func mayViolate(_ patch: [PatchOperation]) -> Bool {
        patch.contains { operation in
            let tokens = operation.path.tokens
            return tokens.count < 2 || (tokens[0] == "spec" && checkedFields.contains(tokens[1]))
        }
    }

    public static func violations(_ pod: JSONValue) -> [String] {
        var found: [String] = []
        // Pods have a handful of each: linear searches in reused buffers beat
        // hashing and fresh allocations here (this runs per admission).
        let spec = pod["spec"]
        let volumes = spec?["volumes"]?.arrayValue ?? []
        var volumeNames: [String] = []
        volumeNames.reserveCapacity(volumes.count)
        for volume in volumes {
            let name = volume["name"]?.stringValue ?? ""
            if volumeNames.contains(name) { found.append("volume name \(name) is used twice") }
            volumeNames.append(name)
        }
        var containerNames: [String] = []
        var mountPaths: [String] = []
        for list in ContainerList.allCases {
            for container in spec?[list.rawValue]?.arrayValue ?? [] {
                let name = container["name"]?.stringValue ?? ""
                if containerNames.contains(name) { found.append("container name \(name) is used twice") }
                containerNames.append(name)
                mountPaths.removeAll(keepingCapacity: true)
                for mount in container["volumeMounts"]?.arrayValue ?? [] {
                    let path = mount["mountPath"]?.stringValue ?? ""
                    if mountPaths.contains(path) { found.append("container \(name) mounts \(path) twice") }
                    mountPaths.append(path)
                    let volume = mount["name"]?.stringValue ?? ""
                    if !volumeNames.contains(volume) { found.append("container \(name) mounts volume \(volume), which does not exist") }
                }
            }
        }
        return found
    }
}
