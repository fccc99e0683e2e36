package dev.stt.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what the server holds for a client that does not read, on every door. Above the write high-water
 * mark the connection is no longer read (so a client cannot make us answer more: pongs, HTTP answers) until
 * its output drains below the low mark. Output that piles up anyway (transcripts of audio already received)
 * is bounded by {@link #MAX_QUEUED_BYTES}: past it the connection is closed, WebSocket ones with 1008, and
 * one line is logged. Sits at the head of the pipeline, so it sees every byte about to be queued.
 */
final class OutputBound extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(OutputBound.class);

    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** Output queued for one connection beyond which it is closed. */
    static final long MAX_QUEUED_BYTES = 4L << 20;

    private final ServerMetrics metrics;
    private boolean over;
    private boolean passing;

    OutputBound(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            ReadGate.release(ctx.channel(), ReadGate.OUTPUT);
        } else {
            ReadGate.hold(ctx.channel(), ReadGate.OUTPUT);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (passing) {
            ctx.write(msg, promise);
            return;
        }
        if (over) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long queued = out == null ? 0 : out.totalPendingWriteBytes();
        if (queued > MAX_QUEUED_BYTES) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            overflow(ctx, queued);
            return;
        }
        ctx.write(msg, promise);
    }

    private void overflow(ChannelHandlerContext ctx, long queued) {
        over = true;
        metrics.error("output_backlog");
        log.warn("closing connection from {}: {} bytes of output queued for a client that does not read (limit {})",
                ctx.channel().remoteAddress(), queued, MAX_QUEUED_BYTES);
        if (ctx.pipeline().get("door") != null) {
            // the close frame queues behind what the client has not read; it gets a moment, not the backlog's time
            passing = true;
            try {
                ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "output backlog over limit"));
            } finally {
                passing = false;
            }
            ctx.executor().schedule(() -> ctx.channel().close(), 1, TimeUnit.SECONDS);
        } else {
            ctx.channel().close();
        }
    }
}
