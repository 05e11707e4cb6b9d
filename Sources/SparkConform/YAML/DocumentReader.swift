import SparkConformJSON

import Yams

/// Reads a stream of documents, YAML or JSON, into JSON values. JSON input is
/// read by `JSONParser` so number text survives exactly; everything else by
/// the YAML parser with YAML 1.2 core-schema types.
public enum DocumentReader {
    public struct ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func read(_ text: String) throws(ReadError) -> [JSONValue] {
        let trimmed = text.drop { $0.isWhitespace }
        guard !trimmed.isEmpty else { throw ReadError(message: "input is empty") }
        if trimmed.first == "{" || trimmed.first == "[" {
            do {
                return try JSONParser.parseSequence(Array(text.utf8))
            } catch {
                // Flow-style YAML also starts with { or [; fall through to YAML before giving up.
                if let documents = try? readYAML(text) { return documents }
                throw ReadError(message: "input is not valid JSON: \(error)")
            }
        }
        return try readYAML(text)
    }

    private static func readYAML(_ text: String) throws(ReadError) -> [JSONValue] {
        var documents: [JSONValue] = []
        do {
            var stream = try Yams.compose_all(yaml: text)
            while let node = stream.next() {
                documents.append(try convert(node, depth: 0))
            }
            // The stream stops at a parse error and keeps it rather than throwing.
            if let error = stream.error { throw error }
        } catch let error as ReadError {
            throw error
        } catch {
            // The parser quotes the offending line, which may be megabytes long.
            var detail = String("\(error)".reversed().drop { $0.isNewline }.reversed())
            if detail.count > 400 { detail = String(detail.prefix(400)) + "…" }
            throw ReadError(message: "input is not valid YAML: \(detail)")
        }
        return documents
    }

    private static func convert(_ node: Node, depth: Int) throws(ReadError) -> JSONValue {
        // The same bound as the JSON parser: hostile nesting must not exhaust a server thread's stack.
        guard depth < JSONParser.maximumDepth else {
            throw ReadError(message: "line \(node.mark?.line ?? 0): nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .null
            case .bool: return .bool(node.bool ?? false)
            case .int:
                guard let value = YAMLInteger.value(of: node) else { return .string(scalar.string) }
                return .int(value)
            case .float:
                guard let value = node.float, value.isFinite else {
                    throw ReadError(message: "line \(node.mark?.line ?? 0): \(scalar.string) is not a JSON number")
                }
                return .number("\(value)")
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var array: [JSONValue] = []
            for element in sequence { array.append(try convert(element, depth: depth + 1)) }
            return .array(array)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ReadError(message: "line \(key.mark?.line ?? 0): mapping keys must be strings")
                }
                object[keyScalar.string] = try convert(value, depth: depth + 1)
            }
            return .object(object)
        case .alias:
            throw ReadError(message: "line \(node.mark?.line ?? 0): YAML aliases are not supported")
        }
    }
}
