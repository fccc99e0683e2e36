package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.server.AccessPolicy;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Browser origins and per-client session limits, checked on real upgrades (no models needed for these). */
class AccessPolicyTest {

    private static SttServer server;
    private static URI url;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0);
        AccessPolicy policy = AccessPolicy.fromEnvironment(Map.of(
                "STT_ALLOWED_ORIGINS", "https://app.example.com, https://other.example.com",
                "STT_MAX_SESSIONS_PER_CLIENT", "2"));
        server = policy.install(new SttServer(c, () -> {
            throw new IOException("no models needed: these tests stop at the upgrade");
        })).start();
        url = URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    static WebSocket open(String origin) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(url, new WebSocket.Listener() { }).orTimeout(10, TimeUnit.SECONDS).join();
    }

    static int refusal(String origin) {
        try {
            open(origin).abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void aBrowserPageFromAnOriginNotOnTheListIsRefused() throws Exception {
        assertEquals(403, refusal("https://evil.example.net"));
        WebSocket allowed = open("https://APP.example.com");
        WebSocket noOrigin = open(null); // not a browser: no Origin header
        allowed.abort();
        noOrigin.abort();
        awaitSessions(0);
    }

    @Test
    void oneClientCannotHoldMoreThanItsSessions() throws Exception {
        List<WebSocket> held = new ArrayList<>();
        held.add(open(null));
        held.add(open(null));
        assertEquals(429, refusal(null), "a third session from the same address");
        held.remove(0).sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        awaitSessions(1);
        held.add(open(null)); // a slot freed by a close is usable again
        held.forEach(WebSocket::abort);
        awaitSessions(0);
    }

    /** Waits until the server's session count settles, so tests do not share slots. */
    private static void awaitSessions(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && server.metrics().sessions().get() > n) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
    }
}
