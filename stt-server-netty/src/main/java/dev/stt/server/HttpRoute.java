package dev.stt.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/** Answers one plain HTTP path on the event loop: it must not block (hand slow work to an executor). */
@FunctionalInterface
public interface HttpRoute {
    void handle(SttServer server, ChannelHandlerContext ctx, FullHttpRequest request) throws Exception;
}
