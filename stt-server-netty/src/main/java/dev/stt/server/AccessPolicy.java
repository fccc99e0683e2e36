package dev.stt.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Who may open a WebSocket session or send an HTTP request: browsers only from allowed origins (a page
 * elsewhere cannot use the visitor's network position to reach the server), and at most so many sessions per client address,
 * so one client cannot take every session slot. Pages on the allowed origins get CORS: preflights are answered
 * and answers name the origin, so a web app elsewhere can call the OpenAI HTTP API.
 *
 * @param allowedOrigins      {@code Origin} values allowed to upgrade or send requests (403 otherwise); empty = any (clients without an
 *                            Origin header, i.e. not browsers, are always allowed)
 * @param maxSessionsPerClient WebSocket sessions one remote address may hold; 0 = no limit
 */
public record AccessPolicy(Set<String> allowedOrigins, int maxSessionsPerClient) {

    public AccessPolicy {
        allowedOrigins = allowedOrigins.stream().map(o -> o.strip().toLowerCase(Locale.ROOT))
                .filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
        if (maxSessionsPerClient < 0) {
            throw new IllegalArgumentException("STT_MAX_SESSIONS_PER_CLIENT must be >= 0, got " + maxSessionsPerClient);
        }
    }

    /** {@code STT_ALLOWED_ORIGINS} (comma-separated) and {@code STT_MAX_SESSIONS_PER_CLIENT}. */
    public static AccessPolicy fromEnvironment(Map<String, String> env) {
        String origins = env.getOrDefault("STT_ALLOWED_ORIGINS", "");
        String perClient = env.getOrDefault("STT_MAX_SESSIONS_PER_CLIENT", "0").strip();
        try {
            return new AccessPolicy(Set.copyOf(Arrays.asList(origins.split(","))), Integer.parseInt(perClient));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("STT_MAX_SESSIONS_PER_CLIENT must be an integer, got '" + perClient + "'");
        }
    }

    /** Puts the check in front of the router on every connection. */
    public SttServer install(SttServer server) {
        Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
        return server.onConnection(p -> p.addBefore("router", "access", new Guard(this, perClient)));
    }

    /** The methods a browser may call across origins: the OpenAI HTTP API and the page's reads. */
    static final String CORS_METHODS = "GET, POST, OPTIONS";

    private static final class Guard extends ChannelDuplexHandler {
        private final AccessPolicy policy;
        private final Map<InetAddress, AtomicInteger> perClient;
        private InetAddress counted;
        /** The allowed Origin of the request being answered (HTTP/1.1 answers in order), for its CORS headers. */
        private String corsOrigin;

        Guard(AccessPolicy policy, Map<InetAddress, AtomicInteger> perClient) {
            this.policy = policy;
            this.perClient = perClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest req) {
                // browsers send Origin on uploads (fetch, forms) as on upgrades: the allow-list covers both
                String origin = req.headers().get(HttpHeaderNames.ORIGIN);
                if (origin != null && !policy.allowedOrigins().isEmpty()
                        && !policy.allowedOrigins().contains(origin.strip().toLowerCase(Locale.ROOT))) {
                    HttpResponses.json(ctx, null, HttpResponseStatus.FORBIDDEN, HttpRouter.error("origin " + origin + " is not allowed"));
                    req.release();
                    return;
                }
                // CORS only where origins are listed: with no list the server names no browser origin as trusted
                corsOrigin = origin != null && !policy.allowedOrigins().isEmpty() && !HttpRouter.isUpgrade(req) ? origin : null;
                if (corsOrigin != null && req.method() == HttpMethod.OPTIONS
                        && req.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
                    preflight(ctx, req);
                    return;
                }
            }
            if (msg instanceof FullHttpRequest req && HttpRouter.isUpgrade(req)) {
                if (policy.maxSessionsPerClient() > 0 && counted == null) {
                    InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
                    AtomicInteger n = perClient.computeIfAbsent(client, k -> new AtomicInteger());
                    if (n.incrementAndGet() > policy.maxSessionsPerClient()) {
                        n.decrementAndGet();
                        HttpResponses.json(ctx, null, HttpResponseStatus.TOO_MANY_REQUESTS, HttpRouter.error(
                                "this client already has " + policy.maxSessionsPerClient() + " sessions open (the limit per client)"));
                        req.release();
                        return;
                    }
                    counted = client;
                }
            }
            ctx.fireChannelRead(msg);
        }

        /** A browser's preflight: the methods and the very headers it asks for (the SDKs send their own x-stainless-*). */
        private void preflight(ChannelHandlerContext ctx, FullHttpRequest req) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, CORS_METHODS);
            String asked = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked != null) {
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, 600);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            req.release();
            cors(res);
            var written = ctx.writeAndFlush(res);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse res) {
                cors(res);
            }
            super.write(ctx, msg, promise);
        }

        private void cors(HttpResponse res) {
            if (corsOrigin != null) {
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
                res.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "content-type, retry-after");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (counted != null) {
                perClient.computeIfPresent(counted, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                counted = null;
            }
            super.channelInactive(ctx);
        }

    }

}
