package dev.stt.server.openai;

import dev.stt.protocol.openai.OpenAiErrors;
import dev.stt.server.WebPage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * Requires the API key on every door (WebSocket upgrades and HTTP requests alike), in any of the forms
 * OpenAI's SDKs send it: {@code Authorization: Bearer <key>}, {@code ?api_key=<key>}, or the browser
 * subprotocol {@code openai-insecure-api-key.<key>}. Health, readiness and metrics stay open for probes, and
 * the browser page's static files ({@link WebPage}) for people.
 * Sits before the aggregator, so a refused request's body is dropped, never buffered.
 */
final class ApiKeyGuard extends ChannelInboundHandlerAdapter {

    static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");
    private static final String SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

    private final byte[] key;
    private final RequestRefusal refusal = new RequestRefusal();

    ApiKeyGuard(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req && !refusal.active() && !allowed(req)) {
            refusal.refuse(ctx, HttpResponseStatus.UNAUTHORIZED, OpenAiErrors.invalidApiKey(), msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (refusal.active()) {
            refusal.discard(ctx, msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private boolean allowed(HttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        if (OPEN_PATHS.contains(q.path()) || WebPage.isPageRequest(req)) {
            return true; // the page's static files hold no secret: the page asks for the key itself
        }
        if (req.method() == io.netty.handler.codec.http.HttpMethod.OPTIONS
                && req.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
            return true; // a CORS preflight never carries credentials (Fetch standard); the access policy answers it
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && matches(auth.substring(7).strip())) {
            return true;
        }
        List<String> apiKey = q.parameters().get("api_key");
        if (apiKey != null && apiKey.stream().anyMatch(this::matches)) {
            return true;
        }
        String protocols = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocols != null) {
            for (String p : protocols.split(",")) {
                String s = p.strip();
                if (s.startsWith(SUBPROTOCOL_PREFIX) && matches(s.substring(SUBPROTOCOL_PREFIX.length()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Constant time in the key's content, so a timing probe learns nothing about it. */
    private boolean matches(String candidate) {
        return MessageDigest.isEqual(key, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
