import SparkConform

/// Applies RFC 6902 patches, as the apiserver does. The webhook never needs
/// this (its `Decision` carries the patched pod); tests and fuzzing use it to
/// check that the patch, applied to the pod as received, gives exactly that pod.
public enum JSONPatch {
    public struct ApplyError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func apply(_ operations: [PatchOperation], to document: JSONValue) throws(ApplyError) -> JSONValue {
        var result = document
        for operation in operations {
            try apply(operation, to: &result)
        }
        return result
    }

    private static func apply(_ operation: PatchOperation, to document: inout JSONValue) throws(ApplyError) {
        guard let last = operation.path.tokens.last else {
            switch operation.kind {
            case .add, .replace: document = operation.value ?? .null
            case .remove: throw ApplyError(message: "cannot remove the document root")
            }
            return
        }
        try edit(&document, tokens: operation.path.tokens.dropLast()[...], path: operation.path) { (parent: inout JSONValue) throws(ApplyError) in
            switch parent.resolved {
            case .object(var object):
                switch operation.kind {
                case .add: object[last] = operation.value ?? .null
                case .replace:
                    guard object[last] != nil else { throw ApplyError(message: "replace of missing member \(operation.path)") }
                    object[last] = operation.value ?? .null
                case .remove:
                    guard object[last] != nil else { throw ApplyError(message: "remove of missing member \(operation.path)") }
                    object[last] = nil
                }
                parent = .object(object)
            case .array(var array):
                if operation.kind == .add, last == "-" {
                    array.append(operation.value ?? .null)
                } else {
                    guard let index = Int(last), index >= 0,
                        index < array.count || (operation.kind == .add && index == array.count)
                    else { throw ApplyError(message: "index out of range at \(operation.path)") }
                    switch operation.kind {
                    case .add: array.insert(operation.value ?? .null, at: index)
                    case .replace: array[index] = operation.value ?? .null
                    case .remove: array.remove(at: index)
                    }
                }
                parent = .array(array)
            default:
                throw ApplyError(message: "parent of \(operation.path) is a \(parent.typeName)")
            }
        }
    }

    private static func edit(
        _ value: inout JSONValue, tokens: ArraySlice<String>, path: JSONPointer,
        _ body: (inout JSONValue) throws(ApplyError) -> Void
    ) throws(ApplyError) {
        guard let first = tokens.first else { return try body(&value) }
        // Each case drops `value`'s reference first, so the container is unique and edited in place.
        switch value.resolved {
        case .object(var object):
            value = .null
            guard let index = object.index(of: first) else { throw ApplyError(message: "missing parent for \(path)") }
            try object.modifyValue(at: index) { (child: inout JSONValue) throws(ApplyError) in
                try edit(&child, tokens: tokens.dropFirst(), path: path, body)
            }
            value = .object(object)
        case .array(var array):
            value = .null
            guard let index = Int(first), array.indices.contains(index) else {
                throw ApplyError(message: "missing parent for \(path)")
            }
            try edit(&array[index], tokens: tokens.dropFirst(), path: path, body)
            value = .array(array)
        default:
            throw ApplyError(message: "missing parent for \(path)")
        }
    }
}
