package dev.stt.server.openai;

import dev.stt.protocol.openai.OpenAiErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * Refuses uploads to the {@code /v1/} HTTP routes beyond the size limit with 413 and an OpenAI error body
 * (the aggregator behind would answer an empty 413). Checks the declared length first and counts chunked
 * bodies as they come, so an oversized body is never buffered.
 */
final class UploadLimit extends ChannelInboundHandlerAdapter {

    private final long maxBytes;
    private boolean watching;
    private boolean refused;
    private long seen;

    UploadLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            watching = new QueryStringDecoder(req.uri()).path().startsWith("/v1/")
                    && !"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
            refused = false;
            seen = 0;
            if (watching && HttpUtil.getContentLength(req, -1L) > maxBytes) {
                refuse(ctx, HttpUtil.getContentLength(req, -1L));
            }
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (watching && msg instanceof HttpContent c) {
            seen += c.content().readableBytes();
            if (seen > maxBytes) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, seen);
                return;
            }
            if (msg instanceof LastHttpContent) {
                watching = false;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, long bytes) {
        refused = true;
        String body = OpenAiErrors.json("upload of " + bytes + " bytes is over this server's limit of " + maxBytes
                + " bytes (STT_MAX_MESSAGE_BYTES)", "invalid_request_error", "file", "request_too_large");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
