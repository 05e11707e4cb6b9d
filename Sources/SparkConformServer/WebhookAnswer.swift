/// What a route gives back: a reply at once, or work to run off the event loop
/// (`BackgroundWork`) whose reply is written when it is done.
enum WebhookAnswer: Sendable {
    case reply(WebhookReply)
    case background(@Sendable () -> WebhookReply)
}
