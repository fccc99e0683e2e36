package dev.stt.server.openai;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * Answers a request early (401, 413) and then reads its body to the end, dropping it, before closing:
 * a client still uploading when the socket closes sees a reset instead of the answer. A body that goes
 * on past {@link #MAX_DISCARD_BYTES} is cut off.
 */
final class RequestRefusal {

    static final long MAX_DISCARD_BYTES = 64L << 20;

    private boolean active;
    private long discarded;

    boolean active() {
        return active;
    }

    void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String jsonBody, boolean requestComplete) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(jsonBody, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.UNAUTHORIZED) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        if (requestComplete) {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(res);
            active = true;
            discarded = 0;
        }
    }

    /** Drops one message of the refused request; closes once its body has ended. */
    void discard(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent c) {
            discarded += c.content().readableBytes();
        }
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last || discarded > MAX_DISCARD_BYTES) {
            active = false;
            ctx.close();
        }
    }
}
