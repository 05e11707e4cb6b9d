import SparkConform

extension JSONValue {
    /// Edits a copy, for building test pods from a fixture.
    func with(_ path: [String], _ value: JSONValue?) -> JSONValue {
        var copy = self
        copy[path: path] = value
        return copy
    }
}
