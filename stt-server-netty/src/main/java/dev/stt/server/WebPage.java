package dev.stt.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The live-captions page a browser gets at {@code GET /} (a WebSocket upgrade at {@code /} still reaches the
 * original protocol door): a few static files from the jar ({@code dev/stt/server/web/}), read once. Each is
 * answered with an ETag (a revalidation costs one 304) and headers that keep the page to its own server: a
 * Content-Security-Policy allowing only this origin's scripts, styles and connections, and nosniff.
 */
public final class WebPage implements HttpRoute {

    /** Path on the server → file under {@code web/} and its content type. */
    private static final Map<String, String[]> FILES = new LinkedHashMap<>();

    static {
        FILES.put("/", new String[] {"index.html", "text/html; charset=utf-8"});
        FILES.put("/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"});
        FILES.put("/audio-worklet.js", new String[] {"audio-worklet.js", "text/javascript; charset=utf-8"});
        FILES.put("/style.css", new String[] {"style.css", "text/css; charset=utf-8"});
        FILES.put("/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"});
    }

    /** A Host header that may go into the policy as it is: a name or address and an optional port. */
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private record File(byte[] body, String contentType, String etag) {
    }

    private final Map<String, File> files = new LinkedHashMap<>();

    public WebPage() {
        for (Map.Entry<String, String[]> e : FILES.entrySet()) {
            byte[] body = read(e.getValue()[0]);
            files.put(e.getKey(), new File(body, e.getValue()[1], etag(body)));
        }
    }

    /** The paths this route answers. */
    public static java.util.Set<String> paths() {
        return FILES.keySet();
    }

    /**
     * Whether {@code req} asks for one of the page's files (not a WebSocket upgrade): these hold no secret, so
     * an API-key guard lets them through and the page can ask for the key itself.
     */
    public static boolean isPageRequest(HttpRequest req) {
        return (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)
                && !HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))
                && FILES.containsKey(new QueryStringDecoder(req.uri()).path());
    }

    @Override
    public void handle(SttServer server, ChannelHandlerContext ctx, FullHttpRequest req) {
        File file = files.get(new QueryStringDecoder(req.uri()).path());
        boolean head = req.method() == HttpMethod.HEAD;
        if (req.method() != HttpMethod.GET && !head) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    Unpooled.copiedBuffer(HttpRouter.error("use GET for " + req.uri()), StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            write(ctx, req, res, res.content().readableBytes());
            return;
        }
        if (file == null) { // only registered paths reach this route
            HttpResponses.json(ctx, req, HttpResponseStatus.NOT_FOUND, HttpRouter.error("no route for " + req.uri()));
            return;
        }
        boolean notModified = etagMatches(req.headers().get(HttpHeaderNames.IF_NONE_MATCH), file.etag());
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                notModified || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.body()));
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
        h.set(HttpHeaderNames.ETAG, file.etag());
        // revalidate every time: the jar (and so the page) changes with each build, and a 304 is cheap
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        h.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy(req.headers().get(HttpHeaderNames.HOST)));
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Permissions-Policy", "microphone=(self), camera=(), geolocation=()");
        write(ctx, req, res, notModified ? -1 : file.body().length);
    }

    /**
     * Only this server: scripts, styles, the worklet and images from its origin; connections to its origin
     * and to its own WebSocket address (named from {@code Host} when it is a plain host[:port]; browsers that
     * read CSP Level 3 already let {@code 'self'} cover ws: and wss: on the same host).
     */
    static String contentSecurityPolicy(String host) {
        String connect = "'self'";
        if (host != null && SAFE_HOST.matcher(host).matches()) {
            connect += " ws://" + host + " wss://" + host;
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect
                + "; worker-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'";
    }

    private static boolean etagMatches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** {@code contentLength} -1: none (a 304 carries no body and Netty frames it so). */
    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res, int contentLength) {
        if (contentLength >= 0) {
            HttpUtil.setContentLength(res, contentLength);
        }
        if (HttpUtil.isKeepAlive(req)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static byte[] read(String name) {
        try (InputStream in = WebPage.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's file web/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
