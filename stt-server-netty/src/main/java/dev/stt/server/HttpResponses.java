package dev.stt.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes complete HTTP responses, honouring keep-alive. */
public final class HttpResponses {

    private HttpResponses() {
    }

    public static ChannelFuture send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(res);
        }
        return ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    public static ChannelFuture json(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String json) {
        return send(ctx, req, status, "application/json", json);
    }
}
