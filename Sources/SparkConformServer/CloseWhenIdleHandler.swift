import NIOCore

/// Closes a connection when NIO's `IdleStateHandler` (just before it) reports
/// nothing read or written for the idle timeout, whatever the protocol above.
final class CloseWhenIdleHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
