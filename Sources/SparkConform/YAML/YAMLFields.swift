import Yams

/// A YAML mapping being read field by field. Every key must be consumed:
/// a misspelt field is an error, never silently ignored.
public struct YAMLFields {
    let path: String
    let node: Node
    private let pairs: [(key: String, value: Node, line: Int?)]
    private var consumed: Set<String> = []
    private var asked: [String] = []

    init(_ node: Node, path: String) throws(PolicyError) {
        self.path = path
        self.node = node
        guard case .mapping(let mapping) = node else {
            throw PolicyError(line: node.mark?.line, field: path, message: "must be a mapping, not \(Self.kind(of: node))")
        }
        var pairs: [(String, Node, Int?)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw PolicyError(line: key.mark?.line, field: path, message: "keys must be plain strings")
            }
            guard seen.insert(scalar.string).inserted else {
                throw PolicyError(line: key.mark?.line, field: Self.join(path, scalar.string), message: "appears twice")
            }
            pairs.append((scalar.string, value, key.mark?.line))
        }
        self.pairs = pairs
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch node.tagName {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "a string"
            }
        }
    }

    var keys: [String] { pairs.map(\.key) }

    func field(_ key: String) -> String { Self.join(path, key) }

    mutating func take(_ key: String) -> Node? {
        asked.append(key)
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        consumed.insert(key)
        return pair.value
    }

    /// Call once every known field was asked for; names the fields allowed here.
    func rejectUnknown() throws(PolicyError) {
        if let unknown = pairs.first(where: { !consumed.contains($0.key) }) {
            throw PolicyError(
                line: unknown.line, field: field(unknown.key),
                message: "unknown field (expected one of: \(asked.joined(separator: ", ")))")
        }
    }

    // MARK: typed readers

    mutating func string(_ key: String) throws(PolicyError) -> String? {
        guard let node = take(key) else { return nil }
        return try Self.string(node, field: field(key))
    }

    static func string(_ node: Node, field: String) throws(PolicyError) -> String {
        guard case .scalar(let scalar) = node, node.tagName == .str else {
            throw PolicyError(
                line: node.mark?.line, field: field,
                message: "must be a string, not \(kind(of: node)) (quote it)")
        }
        return scalar.string
    }

    /// A string that may be null or empty to mean "not set".
    mutating func optionalString(_ key: String) throws(PolicyError) -> String?? {
        guard let node = take(key) else { return nil }
        if node.tagName == .null { return .some(nil) }
        return .some(try Self.string(node, field: field(key)))
    }

    mutating func bool(_ key: String) throws(PolicyError) -> Bool? {
        guard let node = take(key) else { return nil }
        guard node.tagName == .bool, let value = node.bool else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be true or false, not \(Self.kind(of: node))")
        }
        return value
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(PolicyError) -> Int? {
        guard let node = take(key) else { return nil }
        guard node.tagName == .int, let value = YAMLInteger.value(of: node) else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be an integer, not \(Self.kind(of: node))")
        }
        guard range.contains(value) else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
        }
        return value
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws(PolicyError) -> T?
    where T.RawValue == String {
        guard let node = take(key) else { return nil }
        let text = try Self.string(node, field: field(key))
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw PolicyError(line: node.mark?.line, field: field(key), message: "'\(text)' is not one of: \(allowed)")
        }
        return value
    }

    mutating func stringList(_ key: String) throws(PolicyError) -> [(value: String, line: Int?)]? {
        guard let node = take(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be a list, not \(Self.kind(of: node))")
        }
        var values: [(String, Int?)] = []
        for (index, element) in sequence.enumerated() {
            values.append((try Self.string(element, field: "\(field(key))[\(index)]"), element.mark?.line))
        }
        return values
    }

    mutating func mapping(_ key: String) throws(PolicyError) -> YAMLFields? {
        guard let node = take(key) else { return nil }
        if node.tagName == .null { return nil }
        return try YAMLFields(node, path: field(key))
    }

    /// A list of mappings, each read field by field.
    mutating func mappingList(_ key: String) throws(PolicyError) -> [YAMLFields]? {
        guard let node = take(key), node.tagName != .null else { return nil }
        guard case .sequence(let sequence) = node else {
            throw PolicyError(line: node.mark?.line, field: field(key), message: "must be a list, not \(Self.kind(of: node))")
        }
        var result: [YAMLFields] = []
        for (index, element) in sequence.enumerated() { result.append(try YAMLFields(element, path: "\(field(key))[\(index)]")) }
        return result
    }

    func line(of key: String) -> Int? { pairs.first { $0.key == key }?.line }
}

extension Node {
    /// The resolved tag: a quoted "true" is a string, a bare true a boolean.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
