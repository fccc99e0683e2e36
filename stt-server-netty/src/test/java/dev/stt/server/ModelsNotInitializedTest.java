package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.protocol.Json;
import dev.stt.protocol.original.OriginalProtocol;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Until the models are loaded, and forever after they failed to load, every append gets exactly the
 * original service's "Server models not initialized." and {@code /ready} says why it is not ready.
 */
class ModelsNotInitializedTest {

    private static final String NOT_INITIALIZED = "{\"type\":\"error\",\"message\":\"Server models not initialized.\"}";

    @Test
    void appendsWhileTheModelsLoadGetTheOriginalMessageThenWorkOnceLoaded() throws Exception {
        ServerConfig config = RunningServer.testConfig();
        CountDownLatch release = new CountDownLatch(1);
        ModelLoader real = SttServer.defaultLoader(config);
        // a loader that is slow: it waits for the test before loading the real models
        ModelLoader slow = () -> {
            release.await();
            return real.load();
        };
        try (RunningServer s = RunningServer.start(config, slow)) {
            HttpResponse<String> ready = s.get("/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertEquals("loading", Json.MAPPER.readTree(ready.body()).path("status").asText(), ready.body());
            assertEquals(200, s.get("/health").statusCode());

            try (WsTestClient c = s.connect()) {
                float[] speech = Speech.jfkOpening();
                c.send(WsTestClient.append(dev.stt.audio.Pcm16.encode(speech, 0, 1600), 16_000));
                c.send(WsTestClient.append(dev.stt.audio.Pcm16.encode(speech, 1600, 1600), 16_000));
                assertEquals(Json.MAPPER.readTree(NOT_INITIALIZED), c.next());
                assertEquals(Json.MAPPER.readTree(NOT_INITIALIZED), c.next());

                release.countDown();
                s.server.models().loaded().get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
                assertEquals(200, s.get("/ready").statusCode());

                // the same connection now transcribes
                c.stream(speech, 16_000, 100);
                List<JsonNode> results = c.commitAndCollect();
                assertEquals(1, results.size(), results.toString());
                assertTrue(Speech.normalized(results.get(0).path("transcript").asText()).contains("fellow americans"),
                        results.toString());
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void afterALoadFailureReadySaysWhyAndAppendsKeepGettingTheOriginalMessage() throws Exception {
        ModelLoader failing = () -> {
            throw new java.io.IOException("model file encoder_model.onnx is truncated");
        };
        try (RunningServer s = RunningServer.start(RunningServer.testConfig(), failing)) {
            s.server.models().loaded().get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
            HttpResponse<String> ready = s.get("/ready");
            assertEquals(503, ready.statusCode());
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertEquals("failed", body.path("status").asText(), ready.body());
            assertTrue(body.path("reason").asText().contains("encoder_model.onnx is truncated"), ready.body());

            try (WsTestClient c = s.connect()) {
                for (int i = 0; i < 3; i++) {
                    c.send(WsTestClient.append(new byte[3200], 16_000));
                    JsonNode m = c.next();
                    assertEquals(Json.MAPPER.readTree(NOT_INITIALIZED), m);
                    assertEquals(OriginalProtocol.MODELS_NOT_INITIALIZED, m.path("message").asText());
                }
            }
        }
    }
}
