/// An array or object the parser checked but did not build, because no rule
/// looks inside it on the common path (the `JSONParser.DeferredKeys` a caller
/// names, `AdmissionReview.deferredPodFields` for a pod): container
/// `env` lists (two thirds of an executor pod's bytes), probes, ports,
/// `metadata.managedFields` and the like. It is kept as its
/// exact source bytes and built only when something reads it, so the common
/// request neither allocates nor frees its hundreds of nodes.
public struct DeferredJSON: Sendable {
    /// The value's bytes, validated by the parser with the same checks a full parse makes.
    let source: [UInt8]
    @usableFromInline let isArray: Bool
    /// The bytes are exactly what writing the built value would give (no
    /// whitespace between tokens, no escapes, no repeated keys), so they can be
    /// written out as they are.
    let isVerbatim: Bool

    /// The value, built. The bytes passed the parser's checks when they were
    /// deferred, so this parse cannot fail; `.null` only stands in for the impossible.
    public var value: JSONValue {
        (try? JSONParser.parse(source)) ?? .null
    }
}
