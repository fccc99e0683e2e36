package dev.stt.server.openai;

import dev.stt.protocol.openai.OpenAiErrors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;


/**
 * Refuses uploads to the {@code /v1/} HTTP routes beyond the size limit with 413 and an OpenAI error body
 * (the aggregator behind would answer an empty 413). Checks the declared length first and counts chunked
 * bodies as they come, so an oversized body is never buffered.
 */
final class UploadLimit extends ChannelInboundHandlerAdapter {

    private final long maxBytes;
    private final RequestRefusal refusal = new RequestRefusal();
    private boolean watching;
    private long seen;

    UploadLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusal.active()) {
            refusal.discard(ctx, msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            watching = new QueryStringDecoder(req.uri()).path().startsWith("/v1/")
                    && !"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
            seen = 0;
            if (watching && !req.decoderResult().isSuccess()) {
                // the codec already refused it (e.g. Content-Length "5, 5"); the router answers 400
                watching = false;
                ctx.fireChannelRead(msg);
                return;
            }
            long declared;
            try {
                declared = HttpUtil.getContentLength(req, -1L);
            } catch (NumberFormatException e) {
                if (watching) {
                    watching = false;
                    refusal.refuse(ctx, HttpResponseStatus.BAD_REQUEST, OpenAiErrors.invalidRequest(
                            "Content-Length must be one non-negative integer, got '"
                                    + req.headers().get(HttpHeaderNames.CONTENT_LENGTH) + "'", null), msg instanceof LastHttpContent);
                    ReferenceCountUtil.release(msg);
                    return;
                }
                declared = -1;
            }
            if (watching && declared > maxBytes) {
                refuse(ctx, declared, msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (watching && msg instanceof HttpContent c) {
            seen += c.content().readableBytes();
            if (seen > maxBytes) {
                boolean last = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                // the aggregator behind keeps the part it has until the connection closes, after the discard
                refuse(ctx, seen, last);
                return;
            }
            if (msg instanceof LastHttpContent) {
                watching = false;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, long bytes, boolean requestComplete) {
        watching = false;
        String body = OpenAiErrors.json("upload of " + (requestComplete ? "" : "at least ") + bytes
                + " bytes is over this server's limit of " + maxBytes + " bytes (STT_MAX_MESSAGE_BYTES)",
                "invalid_request_error", "file", "request_too_large");
        refusal.refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, body, requestComplete);
    }
}
