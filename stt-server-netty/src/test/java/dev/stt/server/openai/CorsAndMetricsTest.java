package dev.stt.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.server.AccessPolicy;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A web app on an allowed origin can call the HTTP API (preflights answered, answers naming the origin, an
 * API key not asked of the preflight); other origins get 403; and every metric is there, with its help text,
 * before anything has happened. A real server on a real socket; its models never load, which is enough here.
 */
class CorsAndMetricsTest {

    private static final String APP = "https://app.example";
    private static SttServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1);
        server = OpenAiCompatibility.install(new AccessPolicy(Set.of(APP), 0).install(new SttServer(c, () -> {
            throw new IllegalStateException("no models in this test");
        })), OpenAiOptions.DEFAULTS.withApiKey("sk-test")).start();
        server.models().loaded().handle((x, e) -> null).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutAKey() throws Exception {
        HttpResponse<String> r = send(to("/v1/audio/transcriptions").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os"));
        assertEquals(204, r.statusCode(), r.body());
        assertEquals(APP, r.headers().firstValue("access-control-allow-origin").orElse(null));
        assertTrue(r.headers().firstValue("access-control-allow-methods").orElse("").contains("POST"));
        assertEquals("authorization, content-type, x-stainless-os", r.headers().firstValue("access-control-allow-headers").orElse(null));
    }

    @Test
    void answersToAnAllowedOriginNameItAndOthersAreRefused() throws Exception {
        HttpResponse<String> models = send(to("/v1/models").header("Origin", APP).header("Authorization", "Bearer sk-test"));
        assertEquals(200, models.statusCode(), models.body());
        assertEquals(APP, models.headers().firstValue("access-control-allow-origin").orElse(null));
        HttpResponse<String> noKey = send(to("/v1/models").header("Origin", APP));
        assertEquals(401, noKey.statusCode(), "the key is still required of the real request");
        HttpResponse<String> elsewhere = send(to("/v1/models").header("Origin", "https://evil.example").header("Authorization", "Bearer sk-test"));
        assertEquals(403, elsewhere.statusCode(), elsewhere.body());
        assertNull(elsewhere.headers().firstValue("access-control-allow-origin").orElse(null));
        HttpResponse<String> noOrigin = send(to("/v1/models").header("Authorization", "Bearer sk-test"));
        assertNull(noOrigin.headers().firstValue("access-control-allow-origin").orElse(null), "not a browser: no CORS headers");
    }

    @Test
    void everyMetricHasHelpTextFromTheStartAndRequestsAreCountedByRouteAndStatus() throws Exception {
        send(to("/v1/models").header("Authorization", "Bearer sk-test"));
        send(to("/no/such/path?x=" + System.nanoTime()).header("Authorization", "Bearer sk-test"));
        String m = send(to("/metrics")).body();
        for (String name : Map.of("stt_errors_total", 0, "stt_early_decodes_total", 0, "stt_interim_decodes_total", 0,
                "stt_http_requests_total", 0, "stt_inference_latency_seconds", 0, "stt_segments_total", 0).keySet()) {
            assertTrue(m.contains("# HELP " + name + " ") && !m.contains("# HELP " + name + " \n"), "no help text for " + name + ":\n" + m);
        }
        assertTrue(m.contains("stt_errors_total{kind=\"invalid_audio\"} 0.0"), "error kinds exist before the first error:\n" + m);
        assertTrue(m.contains("stt_http_requests_total{route=\"/v1/models\",status=\"200\"}"), m);
        assertTrue(m.contains("stt_http_requests_total{route=\"other\",status=\"404\"}"), "unknown paths share one label:\n" + m);
        assertTrue(m.contains("stt_interim_decodes_total{outcome=\"skipped\"}"), m);
    }
}
