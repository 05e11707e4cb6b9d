/// Label and annotation keys this webhook reads.
public enum SparkLabels {
    public static let role = "spark-role"
    /// The application id: unique per application (unlike `spark-app-name`).
    public static let appSelector = "spark-app-selector"
    public static let executorID = "spark-exec-id"
    /// The application's name, cleaned by Spark (3.3 and later); not unique.
    public static let appName = "spark-app-name"
}

public enum OptOutAnnotations {
    public static let skip = "spark-conform.io/skip"
    public static let skipRules = "spark-conform.io/skip-rules"
}
