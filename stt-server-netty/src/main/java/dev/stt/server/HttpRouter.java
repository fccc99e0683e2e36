package dev.stt.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.protocol.Json;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
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
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException;
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
        int maxMessage = door.maxMessageBytes(server.config());
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
                scheme + req.headers().get(HttpHeaderNames.HOST) + req.uri(), "*", false,
                // a frame may not be larger than a message: the decoder refuses it (close 1009) before buffering it
                maxMessage);
        WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx.channel(), req);
        } catch (WebSocketServerHandshakeException e) {
            // no Sec-WebSocket-Key, not GET, ...: no session exists, so no slot is taken
            server.metrics().error("bad_upgrade");
            HttpResponses.json(ctx, null, HttpResponseStatus.BAD_REQUEST, error("bad WebSocket upgrade: " + e.getMessage()));
            return;
        }
        handshake.addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
                return;
            }
            // the slot is taken only now that a session exists, and SessionRelease gives it back however it ends
            if (!server.admitSession()) {
                server.metrics().error("session_limit");
                ctx.writeAndFlush(new TextWebSocketFrame(OriginalProtocol.error(
                        "server is at its limit of " + server.config().maxSessions() + " sessions; try again later")));
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER)).addListener(x -> ctx.close());
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.addLast("session-slot", new SessionRelease(server));
            for (String h : new String[] {"deadline-raw", "deadline"}) {
                if (p.get(h) != null) {
                    p.remove(h);
                }
            }
            // invalid UTF-8 in a text message closes with 1007 (RFC 6455 8.1), not decoded with U+FFFD
            p.addBefore("session-slot", "ws-utf8", new Utf8FrameValidator(true));
            p.addBefore("session-slot", "ws-aggregate", new WebSocketFrameAggregator(maxMessage));
            p.addBefore("session-slot", "door", door.open(server, req));
            p.remove(this);
        });
    }

    /** A WebSocket upgrade request: the router and the access policy judge it the same way. */
    static boolean isUpgrade(FullHttpRequest req) {
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
            if (InFlight.any(ctx.channel())) {
                return; // the client waits for an answer we owe it: that is not idleness
            }
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

    /** Gives the session slot back when the WebSocket connection ends, however it ends; once. */
    private static final class SessionRelease extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final SttServer server;
        private boolean released;

        SessionRelease(SttServer server) {
            this.server = server;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) {
                release(); // closed before the session was set up: no channelInactive is coming
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            release();
            super.channelInactive(ctx);
        }

        private void release() {
            if (!released) {
                released = true;
                server.releaseSession();
            }
        }
    }
}
