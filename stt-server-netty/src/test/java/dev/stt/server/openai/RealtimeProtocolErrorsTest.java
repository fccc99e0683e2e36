package dev.stt.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.server.SttServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the OpenAI doors refuse bad input: nested error events that keep the session open, and OpenAI-shaped HTTP errors. */
class RealtimeProtocolErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 1 << 20;
    private static SttServer server;
    private static String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = NoModelServer.start(OpenAiOptions.DEFAULTS, LIMIT);
        base = "127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private static RealtimeTestClient connect() throws Exception {
        RealtimeTestClient c = new RealtimeTestClient("ws://" + base + "/v1/realtime?intent=transcription", Map.of());
        assertEquals("session.created", c.next().get("type").asText());
        return c;
    }

    private static JsonNode error(RealtimeTestClient c) throws InterruptedException {
        JsonNode e = c.next();
        assertEquals("error", e.get("type").asText(), e.toString());
        assertTrue(e.get("event_id").asText().startsWith("event_"), e.toString());
        return e.get("error");
    }

    @Test
    void committingAnEmptyBufferIsAnErrorNamingTheClientEvent() throws Exception {
        try (RealtimeTestClient c = connect()) {
            c.send("{\"type\":\"input_audio_buffer.commit\",\"event_id\":\"evt_client_1\"}");
            JsonNode err = error(c);
            assertEquals("input_audio_buffer_commit_empty", err.get("code").asText());
            assertEquals("invalid_request_error", err.get("type").asText());
            assertEquals("evt_client_1", err.get("event_id").asText());
            assertTrue(err.get("message").asText().contains("100 ms"), err.toString());
            // the session stays usable
            c.send("{\"type\":\"input_audio_buffer.clear\"}");
            assertEquals("input_audio_buffer.cleared", c.next().get("type").asText());
        }
    }

    @Test
    void unknownEventsBrokenJsonAndBinaryFramesAreRefused() throws Exception {
        try (RealtimeTestClient c = connect()) {
            c.send("{\"type\":\"response.create\",\"event_id\":\"e2\"}");
            JsonNode err = error(c);
            assertEquals("invalid_event", err.get("code").asText());
            assertEquals("e2", err.get("event_id").asText());
            c.send("{oops");
            assertEquals("invalid_json", error(c).get("code").asText());
            c.sendBinary(new byte[]{1, 2, 3});
            assertEquals("invalid_event", error(c).get("code").asText());
        }
    }

    @Test
    void sessionUpdateIsAppliedAndEchoedOrRefusedNamingTheField() throws Exception {
        try (RealtimeTestClient c = connect()) {
            c.send("""
                    {"type":"session.update","session":{"type":"transcription","audio":{"input":{
                     "format":{"type":"audio/pcma"},"turn_detection":null,"transcription":{"language":"en"}}}}}""");
            JsonNode updated = c.next();
            assertEquals("session.updated", updated.get("type").asText());
            assertEquals("audio/pcma", updated.at("/session/audio/input/format/type").asText());
            assertTrue(updated.at("/session/audio/input/turn_detection").isNull());
            assertEquals("en", updated.at("/session/audio/input/transcription/language").asText());
            c.send("{\"type\":\"transcription_session.update\",\"event_id\":\"u2\",\"session\":{\"input_audio_format\":\"opus\"}}");
            JsonNode err = error(c);
            assertEquals("session.input_audio_format", err.get("param").asText());
            assertEquals("u2", err.get("event_id").asText());
        }
    }

    @Test
    void audioBeforeTheModelsAreLoadedGetsTheNotInitializedError() throws Exception {
        try (RealtimeTestClient c = connect()) {
            c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(new byte[4800]) + "\"}");
            JsonNode err = error(c);
            assertEquals("models_not_ready", err.get("code").asText());
            assertEquals("Server models not initialized.", err.get("message").asText());
        }
    }

    @Test
    void uploadsOverTheLimitAre413WithAnOpenAiErrorWhetherSizedOrChunked() throws Exception {
        byte[] big = new byte[LIMIT + 10_000];
        for (boolean chunked : new boolean[]{false, true}) {
            HttpRequest.BodyPublisher body = chunked
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))
                    : HttpRequest.BodyPublishers.ofByteArray(big);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "/v1/audio/transcriptions"))
                    .header("Content-Type", "multipart/form-data; boundary=x").POST(body).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), "chunked=" + chunked);
            JsonNode err = JSON.readTree(r.body()).get("error");
            assertEquals("request_too_large", err.get("code").asText());
            assertEquals("invalid_request_error", err.get("type").asText());
        }
    }

    @Test
    void aFormWithoutFileOrWithAnUnknownFormatIs400() throws Exception {
        String noFile = multipart(Map.of("model", "m"), null);
        HttpResponse<String> r = post(noFile);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("file", JSON.readTree(r.body()).at("/error/param").asText());
        HttpResponse<String> xml = post(multipart(Map.of("response_format", "xml"), new byte[100]));
        assertEquals(400, xml.statusCode(), xml.body());
        assertTrue(xml.body().contains("response_format"), xml.body());
    }

    @Test
    void modelsListHasTheOpenAiShape() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode o = JSON.readTree(r.body());
        assertEquals("list", o.get("object").asText());
        assertEquals("model", o.at("/data/0/object").asText());
        assertEquals(server.config().model(), o.at("/data/0/id").asText());
        assertTrue(o.at("/data/0/created").asLong() > 1_600_000_000L);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=BOUNDARY")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.ISO_8859_1)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String multipart(Map<String, String> fields, byte[] file) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append("--BOUNDARY\r\nContent-Disposition: form-data; name=\"").append(k)
                .append("\"\r\n\r\n").append(v).append("\r\n"));
        if (file != null) {
            b.append("--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n")
                    .append("Content-Type: audio/wav\r\n\r\n").append(new String(file, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        return b.append("--BOUNDARY--\r\n").toString();
    }
}
