import SparkConformJSON

/// What doctor knows of a cluster: the objects of `kubectl get … -o json`
/// outputs (Lists, their items merged), read without any API access of the
/// webhook's own.
public struct ClusterSnapshot: Sendable {
    public struct Node: Sendable {
        public var name: String
        public var labels: [String: String]
        public var taints: [Policy.Toleration]
    }

    /// A Karpenter NodePool: the nodes it may launch, as doctor reads its requirements.
    public struct NodePool: Sendable {
        public var name: String
        /// `In` requirements: the values each key may take.
        public var allowed: [String: [String]]
        public var labels: [String: String]
        public var taints: [Policy.Toleration]
    }

    public struct ServiceAccount: Sendable {
        public var namespace: String
        public var name: String
        public var annotations: [String: String]
    }

    public var nodes: [Node] = []
    public var nodePools: [NodePool] = []
    /// Namespace name → labels.
    public var namespaces: [String: [String: String]] = [:]
    public var serviceAccounts: [ServiceAccount] = []
    public var webhookConfigurations: [JSONValue] = []
    public var configMaps: [JSONValue] = []

    public init() {}

    /// Adds the items of a `kubectl get -o json` output (a List, or one object).
    public mutating func add(_ document: JSONValue) {
        let items = document["kind"]?.stringValue == "List" || document["items"] != nil ? document["items"]?.arrayValue ?? [] : [document]
        for item in items { add(item: item) }
    }

    private mutating func add(item: JSONValue) {
        let metadata = item["metadata"] ?? .null
        let name = metadata["name"]?.stringValue ?? ""
        switch item["kind"]?.stringValue {
        case "Node":
            nodes.append(Node(name: name, labels: Self.strings(metadata["labels"]), taints: Self.taints(item[path: ["spec", "taints"]])))
        case "NodePool":
            let template = item[path: ["spec", "template"]] ?? .null
            var allowed: [String: [String]] = [:]
            for requirement in template[path: ["spec", "requirements"]]?.arrayValue ?? [] where requirement["operator"]?.stringValue == "In" {
                if let key = requirement["key"]?.stringValue {
                    allowed[key] = (requirement["values"]?.arrayValue ?? []).compactMap(\.stringValue)
                }
            }
            nodePools.append(NodePool(
                name: name, allowed: allowed, labels: Self.strings(template[path: ["metadata", "labels"]]),
                taints: Self.taints(template[path: ["spec", "taints"]])))
        case "Namespace":
            namespaces[name] = Self.strings(metadata["labels"])
        case "ServiceAccount":
            serviceAccounts.append(ServiceAccount(
                namespace: metadata["namespace"]?.stringValue ?? "", name: name, annotations: Self.strings(metadata["annotations"])))
        case "MutatingWebhookConfiguration":
            webhookConfigurations.append(item)
        case "ConfigMap":
            configMaps.append(item)
        default:
            break
        }
    }

    /// The nodes the scheduler can place on: the cluster's, and what each NodePool may launch
    /// (one per capacity type and zone it allows, with its labels and taints).
    public var candidateNodes: [Node] {
        var candidates = nodes
        for pool in nodePools {
            let capacities = pool.allowed["karpenter.sh/capacity-type"] ?? ["on-demand"]
            let zones = pool.allowed["topology.kubernetes.io/zone"] ?? [""]
            for capacity in capacities {
                for zone in zones {
                    var labels = pool.labels
                    for (key, values) in pool.allowed { if let first = values.first { labels[key] = first } }
                    labels["karpenter.sh/capacity-type"] = capacity
                    if !zone.isEmpty { labels["topology.kubernetes.io/zone"] = zone }
                    labels["karpenter.sh/nodepool"] = pool.name
                    candidates.append(Node(name: "\(pool.name) (\(capacity)\(zone.isEmpty ? "" : ", \(zone)"))", labels: labels, taints: pool.taints))
                }
            }
        }
        return candidates
    }

    public func serviceAccount(_ name: String, in namespace: String) -> ServiceAccount? {
        serviceAccounts.first { $0.namespace == namespace && $0.name == name }
    }

    static func strings(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for member in value?.objectValue?.members ?? [] { if let text = member.value.stringValue { result[member.key] = text } }
        return result
    }

    static func taints(_ value: JSONValue?) -> [Policy.Toleration] {
        (value?.arrayValue ?? []).compactMap { taint in
            guard let key = taint["key"]?.stringValue, let effect = taint["effect"]?.stringValue else { return nil }
            return Policy.Toleration(key: key, value: taint["value"]?.stringValue ?? "", effect: effect)
        }
    }
}
