import Foundation

/// Runs a fuzz check over files or directories, outside libFuzzer.
public enum FuzzReplay {
    public static func files(in paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            guard isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(path)/\($0)" }
        }
    }

    public static func run(_ check: ([UInt8]) -> Void) {
        let files = files(in: Array(CommandLine.arguments.dropFirst()))
        for file in files {
            check(Array(FileManager.default.contents(atPath: file) ?? Data()))
        }
        print("replayed \(files.count) inputs")
    }
}
