import Foundation
import SparkConform
import SparkConformTestSupport
import Testing

/// The fuzz properties over the seed corpus and every crasher the fuzzers
/// ever found (Fuzz/regressions): a crasher that comes back fails here.
@Suite struct FuzzCorpusTests {
    static func inputs(_ kind: String) -> [String] {
        let fuzz = Fixture.repository.appendingPathComponent("Fuzz").path
        return FuzzReplay.files(in: ["\(fuzz)/corpus/\(kind)", "\(fuzz)/regressions/\(kind)"])
    }

    @Test func admissionCorpusAndRegressions() {
        let files = Self.inputs("admission")
        #expect(files.count >= 12)
        for file in files { FuzzChecks.admission(Array(FileManager.default.contents(atPath: file) ?? Data())) }
    }

    @Test func policyCorpusAndRegressions() {
        let files = Self.inputs("policy")
        #expect(files.count >= 4)
        for file in files { FuzzChecks.policyAndPreview(Array(FileManager.default.contents(atPath: file) ?? Data())) }
    }
}
