/// The role Spark writes into the `spark-role` label.
public enum SparkRole: String, Sendable, CaseIterable, Comparable {
    case driver
    case executor

    public static func < (lhs: SparkRole, rhs: SparkRole) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The name Spark gives its own container in a pod of this role.
    public var containerName: String { "spark-kubernetes-\(rawValue)" }
}
