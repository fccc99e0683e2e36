package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.onnx.LiveTensors;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connections coming and going: limits, clean-up, metrics, the plain HTTP routes, shutdown. */
class SessionLifecycleTest {

    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.withRealModels(RunningServer.testConfig().withLimits(3, 1 << 20, 60, 16, 64));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WsTestClient.TIMEOUT_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void clientsThatDropMidSegmentLeaveNoSessionTensorOrBufferBehind() throws Exception {
        float[] speech = Speech.jfkOpening();
        await("an idle server", () -> server.server.openSessions() == 0);
        long tensorsBefore = LiveTensors.live();
        for (int round = 0; round < 12; round++) {
            WsTestClient c = server.connect();
            // 2 s of speech: the VAD has an utterance open when the client vanishes
            c.stream(Arrays.copyOf(speech, 32_000), 16_000, 100);
            if (round % 2 == 0) {
                c.abort();
            } else {
                c.close();
            }
            // the session limit is 3: each dropped session must give its slot back
            await("dropped session " + round + " to be released", () -> server.server.metrics().sessions().get() == 0);
        }
        await("every dropped session to be released", () -> server.server.openSessions() == 0
                && server.server.metrics().sessions().get() == 0);
        await("no live ONNX tensors beyond the baseline", () -> LiveTensors.live() <= tensorsBefore); // process-wide count
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("stt_sessions_active 0.0"), metrics);

        // and the server is still fine
        try (WsTestClient c = server.connect()) {
            c.stream(speech, 16_000, 100);
            List<JsonNode> results = c.commitAndCollect();
            assertEquals(1, results.size(), results.toString());
        }
    }

    @Test
    void oneSessionOverTheLimitIsToldWhyAndClosedWith1013() throws Exception {
        await("an idle server", () -> server.server.openSessions() == 0 && server.server.metrics().sessions().get() == 0);
        List<WsTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(server.connect());
            }
            try (WsTestClient extra = server.connect()) {
                JsonNode error = extra.expect("error");
                assertTrue(error.path("message").asText().contains("limit of 3 sessions"), error.toString());
                assertEquals(1013, extra.closeStatus.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS));
            }
            open.remove(0).close();
            await("the slot to be given back", () -> server.server.metrics().sessions().get() == 2);
            try (WsTestClient again = server.connect()) {
                again.stream(Speech.jfkOpening(), 16_000, 100);
                assertEquals(1, again.commitAndCollect().size());
            }
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    @Test
    void metricsAreServedInPrometheusTextFormat() throws Exception {
        try (WsTestClient c = server.connect()) {
            c.send("not json");
            c.expect("error");
            c.stream(Speech.jfkOpening(), 16_000, 100);
            assertEquals(1, c.commitAndCollect().size());
            HttpResponse<String> m = server.get("/metrics");
            assertEquals(200, m.statusCode());
            assertTrue(m.headers().firstValue("content-type").orElse("").startsWith("text/plain"), m.headers().toString());
            for (String series : List.of("stt_sessions_active 1.0", "stt_segments_total", "stt_audio_seconds_total",
                    "stt_inference_queue_depth", "stt_inference_latency_seconds_bucket", "stt_errors_total{kind=\"invalid_json\"}",
                    "stt_early_decodes_total", "stt_early_decodes_used_total")) {
                assertTrue(m.body().contains(series), "no " + series + " in\n" + m.body());
            }
        }
    }

    @Test
    void healthReadyAndUnknownRoutes() throws Exception {
        assertEquals(200, server.get("/health").statusCode());
        HttpResponse<String> ready = server.get("/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"ready\""), ready.body());
        assertEquals(404, server.get("/nothing-here").statusCode());
        HttpResponse<String> plainGetOnTheSocket = server.get("/ws");
        assertEquals(400, plainGetOnTheSocket.statusCode());
        assertTrue(plainGetOnTheSocket.body().contains("WebSocket"), plainGetOnTheSocket.body());
    }

    @Test
    void theWsAliasSpeaksTheSameProtocol() throws Exception {
        try (WsTestClient c = WsTestClient.connect(server.ws("/ws"))) {
            c.stream(Speech.jfkOpening(), 16_000, 100);
            List<JsonNode> results = c.commitAndCollect();
            assertEquals(1, results.size());
            assertTrue(Speech.normalized(results.get(0).path("transcript").asText()).contains("fellow americans"));
        }
    }

    @Test
    void shutdownFinishesTheOpenSegmentBeforeClosing() throws Exception {
        ServerConfig config = RunningServer.testConfig();
        try (RunningServer own = RunningServer.withRealModels(config); WsTestClient c = own.connect()) {
            // speech with no trailing silence and no commit: the utterance is still open
            c.stream(Speech.jfkOpening(), 16_000, 100);
            // frames are handled in order: once this error is back, every append above reached the session
            c.send("{}");
            c.expect("error");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(own.server::shutdown);
            JsonNode done = c.next();
            if (done.path("type").asText().equals("input_audio_buffer.committed")) {
                done = c.next(); // the shutdown's own commit is acknowledged like a client's
            }
            assertEquals("response.audio_transcript.done", done.path("type").asText(), done.toString());
            assertTrue(Speech.normalized(done.path("transcript").asText()).contains("fellow americans"), done.toString());
            stopping.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(1001, c.closeStatus.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS), "going away");
        }
    }
}
