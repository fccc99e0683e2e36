package dev.stt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.protocol.Json;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import dev.stt.protocol.original.OriginalProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each HTTP request: health, readiness and metrics, registered HTTP routes, and WebSocket
 * upgrades to the door registered for the path.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final SttServer server;

    HttpRouter(SttServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.json(ctx, null, HttpResponseStatus.BAD_REQUEST, error("bad HTTP request: " + req.decoderResult().cause().getMessage()));
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (isUpgrade(req)) {
            WebSocketDoor door = server.doors().get(path);
            if (door == null) {
                HttpResponses.json(ctx, req, HttpResponseStatus.NOT_FOUND, error("no WebSocket endpoint at " + path));
                return;
            }
            upgrade(ctx, req, door);
            return;
        }
        HttpRoute route = server.routes().get(path);
        if (route == null && path.lastIndexOf('/') > 0) {
            // a route registered as "/v1/models/" serves every "/v1/models/{id}"
            route = server.routes().get(path.substring(0, path.lastIndexOf('/') + 1));
        }
        if (route != null) {
            route.handle(server, ctx, req);
        } else if (server.doors().containsKey(path) && req.method() == HttpMethod.GET) {
            HttpResponses.json(ctx, req, HttpResponseStatus.BAD_REQUEST, error(path + " is a WebSocket endpoint: connect with Upgrade: websocket"));
        } else {
            HttpResponses.json(ctx, req, HttpResponseStatus.NOT_FOUND, error("no route for " + req.method() + " " + path));
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketDoor door) {
        String scheme = server.tls() ? "wss://" : "ws://";
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
                scheme + req.headers().get(HttpHeaderNames.HOST) + req.uri(), "*", false,
                // single frames up to 4x the message limit reach the door, which answers them with an error
                4 * server.config().maxMessageBytes());
        WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        boolean admitted = server.admitSession();
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (!f.isSuccess()) {
                if (admitted) {
                    server.releaseSession();
                }
                ctx.close();
                return;
            }
            if (!admitted) {
                server.metrics().error("session_limit");
                ctx.writeAndFlush(new TextWebSocketFrame(OriginalProtocol.error(
                        "server is at its limit of " + server.config().maxSessions() + " sessions; try again later")));
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER)).addListener(x -> ctx.close());
                return;
            }
            ctx.pipeline().addLast("ws-aggregate", new WebSocketFrameAggregator(server.config().maxMessageBytes()));
            ctx.pipeline().addLast("door", door.open(server, req));
            ctx.pipeline().addLast("session-release", new SessionRelease(server));
            ctx.pipeline().remove(this);
        });
    }

    private static boolean isUpgrade(FullHttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
    }

    static String error(String message) {
        ObjectNode o = Json.object();
        ObjectNode e = o.putObject("error");
        e.put("message", message);
        e.put("type", "invalid_request_error");
        return Json.write(o);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed: {}", cause.toString());
        ctx.close();
    }

    /** Gives the session slot back when the WebSocket connection ends, however it ends. */
    private static final class SessionRelease extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final SttServer server;

        SessionRelease(SttServer server) {
            this.server = server;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            server.releaseSession();
            super.channelInactive(ctx);
        }
    }
}
