package dev.stt.server.openai;

import dev.stt.server.SttServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live-captions page's files over real HTTP (no models, no browser): content types, the headers that keep
 * the page to its own server, ETag revalidation, and that an API key guards the doors but not the page, while
 * a WebSocket upgrade at {@code /} still reaches the original protocol.
 */
class WebPageRouteTest {

    private static final String KEY = "page-test-key";
    private static SttServer server;
    private static String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = NoModelServer.start(new OpenAiOptions(KEY, null, null, 500), 1 << 20);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)));
    }

    @Test
    void theFilesComeWithTheirContentTypesAndNoKey() throws Exception {
        String[][] files = {
                {"/", "text/html; charset=utf-8", "data-testid=\"mic-start\""},
                {"/app.js", "text/javascript; charset=utf-8", "/v1/realtime?intent=transcription"},
                {"/audio-worklet.js", "text/javascript; charset=utf-8", "registerProcessor('pcm16-24k'"},
                {"/style.css", "text/css; charset=utf-8", ".interim"},
                {"/favicon.svg", "image/svg+xml", "<svg"},
        };
        for (String[] f : files) {
            HttpResponse<String> r = get(f[0]);
            assertEquals(200, r.statusCode(), f[0] + ": " + r.body());
            assertEquals(f[1], r.headers().firstValue("content-type").orElse(null), f[0]);
            assertTrue(r.body().contains(f[2]), f[0] + " lacks " + f[2]);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null), f[0]);
            assertEquals("no-cache", r.headers().firstValue("cache-control").orElse(null), f[0]);
        }
    }

    @Test
    void thePolicyAllowsOnlyThisServer() throws Exception {
        String csp = get("/").headers().firstValue("content-security-policy").orElseThrow();
        String host = "127.0.0.1:" + server.port();
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertTrue(csp.contains("script-src 'self';"), csp);
        assertTrue(csp.contains("connect-src 'self' ws://" + host + " wss://" + host + ";"), csp);
        assertTrue(csp.contains("object-src 'none'") && csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("*"), csp);
        // a Host header that is not a plain host[:port] never reaches the policy
        String odd = dev.stt.server.WebPageTestAccess.csp("evil.example; script-src *");
        assertTrue(!odd.contains("evil") && odd.contains("connect-src 'self';"), odd);
    }

    @Test
    void anEtagRevalidatesToNotModified() throws Exception {
        HttpResponse<String> first = get("/app.js");
        String etag = first.headers().firstValue("etag").orElseThrow();
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), etag);
        HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(base + "/app.js")).header("If-None-Match", etag));
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(base + "/app.js")).header("If-None-Match", "\"other\""));
        assertEquals(200, other.statusCode());
    }

    @Test
    void headAnswersWithoutABodyAndOtherMethodsAreRefused() throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "/")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertTrue(Long.parseLong(head.headers().firstValue("content-length").orElseThrow()) > 500);
        // only GET and HEAD are open without the key; with it, POST / is refused by the page itself
        assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "/")).POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
        HttpResponse<String> post = send(HttpRequest.newBuilder(URI.create(base + "/")).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("allow").orElse(null));
    }

    @Test
    void theDoorsStillNeedTheKey() throws Exception {
        assertEquals(401, get("/v1/models").statusCode());
        assertEquals(401, get("/nowhere.js").statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).header("Authorization", "Bearer " + KEY)).statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + "/nowhere.js")).header("Authorization", "Bearer " + KEY)).statusCode());
    }

    @Test
    void aWebSocketUpgradeAtTheRootStillReachesTheOriginalDoor() throws Exception {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> ws("/", "realtime"));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(401, h.getResponse().statusCode());
        // the browser page's form: the key as a subprotocol next to "realtime"
        WebSocket root = ws("/", "realtime", "openai-insecure-api-key." + KEY);
        assertEquals("realtime", root.getSubprotocol());
        root.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        WebSocket realtime = ws("/v1/realtime?intent=transcription", "realtime", "openai-insecure-api-key." + KEY);
        realtime.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    private WebSocket ws(String path, String protocol, String... more) throws Exception {
        return http.newWebSocketBuilder().subprotocols(protocol, more)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }
}
