/// The two lists of containers a pod spec has.
public enum ContainerList: String, Sendable, CaseIterable {
    case containers
    case initContainers
}
