import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// The fuzz properties over the seed corpus, the golden cases (the seeds
/// `Fuzz/run` starts from too) and every crasher the fuzzers ever found
/// (Fuzz/regressions): a crasher that comes back fails here, naming its file.
@Suite struct FuzzCorpusTests {
    static func inputs(_ kind: String) -> [String] {
        let fuzz = Fixture.repository.appendingPathComponent("Fuzz").path
        return FuzzReplay.files(in: ["\(fuzz)/corpus/\(kind)", "\(fuzz)/regressions/\(kind)"])
    }

    @Test func admissionCorpusAndRegressions() {
        let files = Self.inputs("admission")
        #expect(files.count >= 1)
        for file in files {
            #expect(FuzzChecks.admission(Array(FileManager.default.contents(atPath: file) ?? Data())) == nil, "\(file)")
        }
    }

    @Test(arguments: GoldenCase.names)
    func goldenCasesAsAdmissionReviews(name: String) throws {
        let reviews = try GoldenCase(name).admissionReviews()
        #expect(!reviews.isEmpty)
        for review in reviews { #expect(FuzzChecks.admission(review) == nil) }
    }

    @Test func policyCorpusAndRegressions() {
        let files = Self.inputs("policy")
            + GoldenCase.names.flatMap { name in
                ["input.json", "input.yaml", "policy.yaml"].map { GoldenCase.directory.appendingPathComponent("\(name)/\($0)").path }
                    .filter { FileManager.default.fileExists(atPath: $0) }
            }
        #expect(files.count >= 4 + GoldenCase.names.count)
        for file in files {
            #expect(FuzzChecks.policyAndPreview(Array(FileManager.default.contents(atPath: file) ?? Data())) == nil, "\(file)")
        }
    }
}
