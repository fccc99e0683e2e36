package dev.stt.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Counts every HTTP answer by route and status ({@code stt_http_requests_total}), refusals by the handlers
 * in front of the router (401, 403, 408, 413, 503) included. The route is a registered path, so a client
 * sending random URIs cannot grow the metric's label set.
 */
final class HttpRequestCounter extends ChannelDuplexHandler {

    private final SttServer server;
    /** The route of the request being answered; HTTP/1.1 answers in order. */
    private String route = "other";

    HttpRequestCounter(SttServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            route = routeOf(new QueryStringDecoder(req.uri()).path());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // a 100 Continue is not the answer; the final one follows
        if (msg instanceof HttpResponse res && res.status() != HttpResponseStatus.CONTINUE) {
            server.metrics().request(route, res.status().code());
        }
        ctx.write(msg, promise);
    }

    private String routeOf(String path) {
        if (server.routes().containsKey(path) || server.doors().containsKey(path)) {
            return path;
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0 && server.routes().containsKey(path.substring(0, slash + 1))) {
            return path.substring(0, slash + 1) + "{id}";
        }
        return "other";
    }
}
