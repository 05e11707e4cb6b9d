/// The invariant every patched pod must keep: the apiserver refuses a pod
/// whose volume names, container names or mount paths (per container) repeat,
/// or whose mount names a volume that is not there. The check runs once, in
/// the core, on the rules' draft; a violation the received pod did not
/// already have means a rule went wrong, and the pod is allowed unpatched.
public enum PatchedPodCheck {
    /// The first violation the patched pod has and the received one has not, or nil.
    public static func introducedViolation(original: JSONValue, patched: JSONValue) -> String? {
        let found = violations(patched)
        guard !found.isEmpty else { return nil }
        let before = Set(violations(original))
        return found.first { !before.contains($0) }
    }

    public static func violations(_ pod: JSONValue) -> [String] {
        var found: [String] = []
        let volumes = pod[path: ["spec", "volumes"]]?.arrayValue ?? []
        var volumeNames = Set<String>()
        for volume in volumes {
            let name = volume["name"]?.stringValue ?? ""
            if !volumeNames.insert(name).inserted { found.append("volume name \(name) is used twice") }
        }
        var containerNames = Set<String>()
        for list in ContainerList.allCases {
            for container in pod[path: ["spec", list.rawValue]]?.arrayValue ?? [] {
                let name = container["name"]?.stringValue ?? ""
                if !containerNames.insert(name).inserted { found.append("container name \(name) is used twice") }
                var mountPaths = Set<String>()
                for mount in container["volumeMounts"]?.arrayValue ?? [] {
                    let path = mount["mountPath"]?.stringValue ?? ""
                    if !mountPaths.insert(path).inserted { found.append("container \(name) mounts \(path) twice") }
                    let volume = mount["name"]?.stringValue ?? ""
                    if !volumeNames.contains(volume) { found.append("container \(name) mounts volume \(volume), which does not exist") }
                }
            }
        }
        return found
    }
}
