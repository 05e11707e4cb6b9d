import Foundation
import SparkConform

enum PolicyFile {
    /// The policy in a file (and its text, for change detection), or the embedded default.
    static func load(_ path: String?) throws -> (Policy, String) {
        guard let path else { return (Policy(), "") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyFileError(description: "cannot read policy file \(path): \(error.localizedDescription)")
        }
        do {
            return (try PolicyLoader.load(yaml: text), text)
        } catch {
            throw PolicyFileError(description: "policy \(path) \(error)")
        }
    }
}

/// Not a usage error: ArgumentParser prints the message alone and exits 1.
struct PolicyFileError: Error, CustomStringConvertible {
    let description: String
}
