package dev.stt.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request's line and headers must arrive within the deadline of its first byte (or, for the first
 * request, of the connection opening): a client feeding headers a byte a second holds a connection for
 * that long, not for the idle timeout. Two handlers share the state: {@link #raw()} before the HTTP codec
 * sees the first byte of a request, {@link #decoded()} after it sees the headers complete. Between requests
 * (keep-alive) no deadline runs; the idle timeout covers that. Removed on a WebSocket upgrade.
 */
final class HeaderDeadline {

    private final long timeoutSeconds;
    private final ServerMetrics metrics;
    private ChannelHandlerContext decodedCtx;
    private ScheduledFuture<?> timer;
    private boolean inRequest;

    HeaderDeadline(long timeoutSeconds, ServerMetrics metrics) {
        this.timeoutSeconds = timeoutSeconds;
        this.metrics = metrics;
    }

    ChannelInboundHandlerAdapter raw() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                arm(ctx);
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b && b.isReadable() && !inRequest && timer == null) {
                    arm(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                disarm();
                super.channelInactive(ctx);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                disarm();
            }
        };
    }

    ChannelInboundHandlerAdapter decoded() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                decodedCtx = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    disarm();
                    inRequest = true;
                }
                if (msg instanceof LastHttpContent) {
                    inRequest = false;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        timer = ctx.executor().schedule(this::expired, timeoutSeconds, TimeUnit.SECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        ChannelHandlerContext ctx = decodedCtx;
        if (ctx == null || ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        metrics.error("header_timeout");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.copiedBuffer(HttpRouter.error("the request line and headers did not arrive within "
                        + timeoutSeconds + " s (STT_HEADER_TIMEOUT_S)"), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> ctx.channel().close(), 2, TimeUnit.SECONDS);
    }
}
