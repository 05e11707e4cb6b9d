/// An AdmissionReview that could not be understood: the HTTP layer answers
/// 400 with this message.
public struct AdmissionDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
