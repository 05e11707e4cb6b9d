@testable import SparkConformServer
import Testing

/// Query decoding below what an HTTP client lets through (clients re-encode a bad escape).
@Suite struct QueryParametersTests {
    @Test func decodesPercentAndPlus() throws {
        let parameters = try QueryParameters("namespace=data%2Dteam+a&output=diff", accepting: ["namespace", "output"])
        #expect(parameters["namespace"] == "data-team a")
        #expect(parameters["output"] == "diff")
        #expect(parameters["format"] == nil)
        #expect(QueryParameters.decode("%C3%A9t%C3%A9") == "été")
    }

    @Test(arguments: ["namespace=%zz", "namespace=%4", "namespace=%", "namespace=%FF%FE"])
    func badEscapesAreRefused(query: String) {
        #expect(throws: HTTPFailure.self) { try QueryParameters(query[...], accepting: ["namespace"]) }
    }
}
