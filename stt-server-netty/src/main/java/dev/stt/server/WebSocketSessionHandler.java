package dev.stt.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame plumbing every WebSocket door shares: ping, close, idle timeout, size limits, and text or
 * binary messages handed to the protocol as plain strings and byte arrays (no buffer outlives a read).
 */
public abstract class WebSocketSessionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger log = LoggerFactory.getLogger(WebSocketSessionHandler.class);

    protected final SttServer server;

    protected WebSocketSessionHandler(SttServer server) {
        this.server = server;
    }

    /** A whole text message from the client. */
    protected abstract void onText(ChannelHandlerContext ctx, String text);

    /** A whole binary message from the client. */
    protected abstract void onBinary(ChannelHandlerContext ctx, byte[] data);

    /** Tells the client something went wrong, in this protocol's error shape. */
    protected abstract void sendError(ChannelHandlerContext ctx, String code, String message);

    /** The connection is gone; release the session. Called once. */
    protected abstract void onClose();

    /**
     * Whether the server still owes the client something (audio in work, transcripts to send). While it
     * does, the idle timeout does not close the session: the silence is ours, not the client's.
     */
    protected boolean owesClient() {
        return false;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            // a client that does not read its pongs gets no more of them: what it is owed is bounded
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(f -> ctx.close());
        } else if (frame instanceof PongWebSocketFrame) {
            return;
        } else if (frame.content().readableBytes() > server.config().maxMessageBytes()) {
            tooLarge(ctx, frame.content().readableBytes());
        } else if (frame instanceof TextWebSocketFrame) {
            onText(ctx, frame.content().toString(StandardCharsets.UTF_8));
        } else if (frame instanceof BinaryWebSocketFrame) {
            onBinary(ctx, ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof ContinuationWebSocketFrame) {
            sendError(ctx, "invalid_frame", "continuation frame without a first frame");
        }
    }

    private void tooLarge(ChannelHandlerContext ctx, long bytes) {
        server.metrics().error("too_large");
        sendError(ctx, "message_too_large", "message of " + bytes + " bytes is over the limit of "
                + server.config().maxMessageBytes() + " bytes; it was not processed");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (owesClient()) {
                return;
            }
            sendError(ctx, "idle_timeout", "no message for " + server.config().idleTimeoutSeconds() + " s: closing");
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "idle")).addListener(f -> ctx.close());
            // a client that reads nothing never takes the close frame: it gets a moment, not forever
            ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            server.metrics().error("too_large");
            sendError(ctx, "message_too_large", "message over the limit of " + server.config().maxMessageBytes()
                    + " bytes; it was not processed");
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException) {
            // the decoder (frame over the limit: 1009) or UTF-8 validator (1007) already sent the close and closes
            server.metrics().error(((CorruptedWebSocketFrameException) cause).closeStatus() == WebSocketCloseStatus.INVALID_PAYLOAD_DATA
                    ? "invalid_utf8" : "invalid_frame");
            log.debug("WebSocket protocol violation: {}", cause.toString());
            return;
        }
        log.debug("WebSocket connection failed: {}", cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        onClose();
        super.channelInactive(ctx);
    }

    /**
     * Writes a text frame from any thread; dropped quietly when the client has gone. What piles up for a
     * client that does not read is bounded by the connection's output bound, which closes it (1008).
     */
    protected static void send(ChannelHandlerContext ctx, String text) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

}
