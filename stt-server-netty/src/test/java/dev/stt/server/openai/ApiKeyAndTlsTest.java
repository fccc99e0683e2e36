package dev.stt.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.server.SttServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional API key on every door, in every form the SDKs send it; and TLS with the SDK over https/wss. */
class ApiKeyAndTlsTest {

    private static final String KEY = "sk-test-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SttServer server;
    private static String http;
    private static String ws;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = NoModelServer.start(OpenAiOptions.DEFAULTS.withApiKey(KEY), 1 << 20);
        http = "http://127.0.0.1:" + server.port();
        ws = "ws://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int refusedUpgradeStatus(String url, Map<String, String> headers, String... subprotocols) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> new RealtimeTestClient(url, headers, subprotocols).close());
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), e.toString());
        return h.getResponse().statusCode();
    }

    @Test
    void httpDoorsWithoutOrWithAWrongKeyAre401WithAnOpenAiError() throws Exception {
        for (String bearer : new String[]{null, "sk-wrong", KEY + "x"}) {
            HttpResponse<String> r = get("/v1/models", bearer);
            assertEquals(401, r.statusCode(), "key " + bearer);
            JsonNode err = JSON.readTree(r.body()).get("error");
            assertEquals("invalid_api_key", err.get("code").asText());
            assertEquals("invalid_request_error", err.get("type").asText());
        }
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(http + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode());
    }

    @Test
    void theKeyIsTakenAsBearerOrApiKeyQueryAndProbesStayOpen() throws Exception {
        assertEquals(200, get("/v1/models", KEY).statusCode());
        assertEquals(200, get("/v1/models?api_key=" + KEY, null).statusCode());
        // open to probes without the key; 503, not 200, because this server's models failed to load for good
        assertEquals(503, get("/health", null).statusCode());
    }

    @Test
    void everyWebSocketDoorRefusesTheUpgradeWithoutTheKey() {
        for (String path : new String[]{"/v1/realtime?intent=transcription", "/", "/ws"}) {
            assertEquals(401, refusedUpgradeStatus(ws + path, Map.of()), path);
            assertEquals(401, refusedUpgradeStatus(ws + path, Map.of("Authorization", "Bearer nope")), path);
            assertEquals(401, refusedUpgradeStatus(ws + path, Map.of(), "realtime", "openai-insecure-api-key.nope"), path);
        }
    }

    @Test
    void realtimeAcceptsTheKeyInEachFormTheSdksUse() throws Exception {
        try (RealtimeTestClient c = new RealtimeTestClient(ws + "/v1/realtime?intent=transcription", Map.of("Authorization", "Bearer " + KEY))) {
            assertEquals("session.created", c.next().get("type").asText());
        }
        try (RealtimeTestClient c = new RealtimeTestClient(ws + "/v1/realtime?model=x", Map.of(), "realtime", "openai-insecure-api-key." + KEY)) {
            JsonNode created = c.next();
            assertEquals("session.created", created.get("type").asText());
            assertEquals("x", created.at("/session/audio/input/transcription/model").asText());
        }
        try (RealtimeTestClient c = new RealtimeTestClient(ws + "/v1/realtime?api_key=" + KEY, Map.of("OpenAI-Beta", "realtime=v1"))) {
            assertEquals("transcription_session.created", c.next().get("type").asText());
        }
    }

    @Test
    void theOfficialSdkSeesA401WithAWrongKeyOnBothApis() throws Exception {
        NodeHarness.requireNode();
        Path clip = dev.stt.eval.TestData.speechDir().resolve("jfk.wav");
        JsonNode httpOut = NodeHarness.run(Map.of("OPENAI_API_KEY", "sk-wrong"), "transcriptions.mjs", http + "/v1", clip.toString());
        assertEquals(401, httpOut.at("/models/sdkError/status").asInt(), httpOut.toString());
        assertEquals(401, httpOut.at("/results/json/sdkError/status").asInt(), httpOut.toString());
        JsonNode rt = NodeHarness.run(Map.of("OPENAI_API_KEY", "sk-wrong"), "realtime.mjs", http + "/v1", clip.toString());
        assertTrue(rt.path("connectError").asText().contains("401"), rt.toString());
        JsonNode ok = NodeHarness.run(Map.of("OPENAI_API_KEY", KEY), "transcriptions.mjs", http + "/v1", clip.toString());
        assertEquals(server.config().model(), ok.at("/models/0/id").asText(), ok.toString());
    }

    @Test
    void tlsServesTheSdkOverHttpsAndWss(@TempDir Path dir) throws Exception {
        NodeHarness.requireNode();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        String opensslOut = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed: " + opensslOut);
        SttServer tls = NoModelServer.start(OpenAiOptions.DEFAULTS.withTls(cert, key), 1 << 20);
        try {
            String base = "https://127.0.0.1:" + tls.port() + "/v1";
            Path clip = dev.stt.eval.TestData.speechDir().resolve("jfk.wav");
            Map<String, String> env = Map.of("NODE_EXTRA_CA_CERTS", cert.toString());
            JsonNode models = NodeHarness.run(env, "transcriptions.mjs", base, clip.toString());
            assertEquals(tls.config().model(), models.at("/models/0/id").asText(), models.toString());
            JsonNode rt = NodeHarness.run(env, "realtime.mjs", base, clip.toString());
            assertTrue(!rt.has("connectError"), rt.toString());
            assertEquals("session.created", rt.at("/events/0/type").asText(), rt.toString());
            // no models here: the session tells the SDK so, over the encrypted socket
            assertEquals("models_not_ready", rt.at("/errors/0/error/code").asText(), rt.toString());
            assertThrows(java.io.IOException.class, () -> client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tls.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()), "plain HTTP must not be served on a TLS port");
        } finally {
            tls.shutdown();
        }
    }
}
