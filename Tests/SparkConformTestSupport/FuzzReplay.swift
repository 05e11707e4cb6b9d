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

    public static func run(_ check: ([UInt8]) -> String?) {
        let files = files(in: Array(CommandLine.arguments.dropFirst()))
        var failed = 0
        for file in files {
            if let failure = check(Array(FileManager.default.contents(atPath: file) ?? Data())) {
                print("\(file): \(failure)")
                failed += 1
            }
        }
        print("replayed \(files.count) inputs, \(failed) failed")
        if failed > 0 { exit(1) }
    }
}
