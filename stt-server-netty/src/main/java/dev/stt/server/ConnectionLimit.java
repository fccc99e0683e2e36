package dev.stt.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections overall ({@code STT_MAX_CONNECTIONS}) and per client address
 * ({@code STT_MAX_CONNECTIONS_PER_ADDRESS}). A connection over a cap is answered 503 with the reason as
 * soon as it opens, and closed within 2 s; what it sends meanwhile is dropped.
 */
final class ConnectionLimit {

    private final int max;
    private final int perAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    ConnectionLimit(int max, int perAddress) {
        this.max = max;
        this.perAddress = perAddress;
    }

    /** Counts {@code ch} until it closes; the reason it is refused, or null. */
    String admit(Channel ch) {
        InetAddress address = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return "the server is at its limit of " + max + " connections (STT_MAX_CONNECTIONS); try again later";
        }
        if (perAddress > 0 && address != null) {
            AtomicInteger n = byAddress.compute(address, (k, v) -> v == null ? new AtomicInteger(1) : incremented(v));
            if (n.get() > perAddress) {
                release(address);
                open.decrementAndGet();
                return "this client address already has " + perAddress
                        + " connections open (STT_MAX_CONNECTIONS_PER_ADDRESS); try again later";
            }
        }
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            if (perAddress > 0 && address != null) {
                release(address);
            }
        });
        return null;
    }

    int open() {
        return open.get();
    }

    private static AtomicInteger incremented(AtomicInteger v) {
        v.incrementAndGet();
        return v;
    }

    private void release(InetAddress address) {
        byAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Answers a refused connection and closes it; placed right after the HTTP codec. */
    static final class Refuse extends ChannelInboundHandlerAdapter {
        private final String reason;

        Refuse(String reason) {
            this.reason = reason;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    Unpooled.copiedBuffer(HttpRouter.error(reason), StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            ctx.executor().schedule(() -> ctx.channel().close(), 2, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
