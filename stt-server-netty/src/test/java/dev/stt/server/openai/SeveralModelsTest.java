package dev.stt.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.TestData;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two served models on real sockets: the real Moonshine as the default and a fake second model that answers
 * with its own text, opened by the server only on first use and unloaded after a one-second TTL.
 */
class SeveralModelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAKE = "fake-echo";
    private static final HttpClient http = HttpClient.newHttpClient();
    private static SttServer server;
    private static String base;
    private static byte[] jfk;
    static final AtomicInteger opened = new AtomicInteger();
    static final AtomicInteger closed = new AtomicInteger();
    static volatile CountDownLatch hold = new CountDownLatch(0);
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile boolean failNextLoad;

    /** A second model whose text shows it ran; it can be held inside a call to test the TTL against a request. */
    static final class FakeEngine implements SttEngine {
        private volatile boolean shut;

        @Override
        public String model() {
            return FAKE;
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            if (shut) {
                throw new AssertionError("the fake engine ran after it was closed");
            }
            entered.countDown();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (shut) {
                throw new AssertionError("the fake engine was closed while a call was inside it");
            }
            return Transcript.of("fake model heard speech", samples.length / 16_000.0);
        }

        @Override
        public void close() {
            shut = true;
            closed.incrementAndGet();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("STT_MODELS", "moonshine-tiny," + FAKE, "STT_MODEL_TTL_S", "1"))
                .toBuilder().host("127.0.0.1").port(0).inferenceWorkers(2).intraThreads(1).build();
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS)
                .engineOpener(model -> {
                    assertEquals(FAKE, model);
                    if (failNextLoad) {
                        failNextLoad = false;
                        throw new java.io.IOException("fake weights are missing");
                    }
                    opened.incrementAndGet();
                    Thread.sleep(200); // a load takes a while: the request waits for it
                    return new FakeEngine();
                }).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        base = "127.0.0.1:" + server.port();
        jfk = Files.readAllBytes(TestData.jfkWav());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void eachRequestIsAnsweredByItsModelLoadedOnFirstUseAndUnloadedWhenIdle() throws Exception {
        awaitTrue(() -> !server.engines().loaded(FAKE), 5_000); // whatever an earlier test left
        // the default answers, and the second model is not loaded for it
        HttpResponse<String> moon = transcribe("moonshine-tiny");
        assertEquals(200, moon.statusCode(), moon.body());
        assertTrue(JSON.readTree(moon.body()).get("text").asText().toLowerCase().contains("country"), moon.body());
        HttpResponse<String> alias = transcribe("whisper-1");
        assertEquals(200, alias.statusCode(), alias.body());
        assertFalse(alias.body().contains("fake model"), alias.body());
        assertFalse(server.engines().loaded(FAKE));
        int before = opened.get();
        assertEquals(1, gauge("stt_models_loaded"));

        HttpResponse<String> fake = transcribe(FAKE);
        assertEquals(200, fake.statusCode(), fake.body());
        assertEquals("fake model heard speech", JSON.readTree(fake.body()).get("text").asText());
        assertEquals(before + 1, opened.get(), "loaded on first use");
        transcribe(FAKE);
        assertEquals(before + 1, opened.get(), "loaded once, then shared");
        assertTrue(server.engines().loaded(FAKE));
        assertEquals(2, gauge("stt_models_loaded"));
        assertTrue(server.metrics().scrape().contains("stt_model_load_seconds{model=\"" + FAKE + "\"}"));

        // idle for the TTL: unloaded; the default never is
        int closes = closed.get();
        awaitTrue(() -> !server.engines().loaded(FAKE), 5_000);
        assertEquals(closes + 1, closed.get());
        assertTrue(server.engines().loaded("moonshine-tiny"));
        assertEquals(1, gauge("stt_models_loaded"));
        Thread.sleep(1_500);
        assertTrue(server.models().ready(), "the default model is never unloaded");
        assertEquals(200, transcribe("moonshine-tiny").statusCode());

        // the next request loads it again
        HttpResponse<String> again = transcribe(FAKE);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("fake model heard speech", JSON.readTree(again.body()).get("text").asText());
        assertEquals(before + 2, opened.get());
    }

    @Test
    void aRequestRunningLongerThanTheTtlIsNotInterrupted() throws Exception {
        hold = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        try {
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return transcribe(FAKE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the fake engine was called");
            int closes = closed.get();
            Thread.sleep(2_500); // over twice the TTL with the request inside the engine
            assertTrue(server.engines().loaded(FAKE), "not unloaded while a request uses it");
            assertEquals(closes, closed.get());
            hold.countDown();
            HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("fake model heard speech", JSON.readTree(r.body()).get("text").asText());
            awaitTrue(() -> !server.engines().loaded(FAKE), 5_000); // and unloaded once it is done
        } finally {
            hold.countDown();
        }
    }

    @Test
    void aFailedLoadAnswers503AndTheNextRequestTriesAgain() throws Exception {
        awaitTrue(() -> !server.engines().loaded(FAKE), 5_000);
        failNextLoad = true;
        HttpResponse<String> r = transcribe(FAKE);
        assertEquals(503, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertEquals("models_not_ready", e.get("code").asText());
        assertTrue(e.get("message").asText().contains("fake weights are missing"), e.toString());
        HttpResponse<String> again = transcribe(FAKE);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("fake model heard speech", JSON.readTree(again.body()).get("text").asText());
    }

    @Test
    void anUnknownModelIs404AndTheListNamesBothModels() throws Exception {
        HttpResponse<String> r = transcribe("no-such-model");
        assertEquals(404, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertEquals("model_not_found", e.get("code").asText());
        assertTrue(e.get("message").asText().contains(FAKE), e.toString());

        JsonNode list = JSON.readTree(get("/v1/models").body());
        assertEquals(List.of("moonshine-tiny", FAKE), List.of(list.at("/data/0/id").asText(), list.at("/data/1/id").asText()));
        assertEquals(200, get("/v1/models/" + FAKE).statusCode());
        assertEquals(404, get("/v1/models/no-such-model").statusCode());
    }

    @Test
    void aRealtimeSessionPicksItsModelAndAnUnknownOneIsAnErrorEvent() throws Exception {
        byte[] pcm = pcm16At24k(WavReader.read(TestData.jfkWav()).toMono16k());
        String audio = Base64.getEncoder().encodeToString(pcm);
        try (RealtimeTestClient c = new RealtimeTestClient("ws://" + base + "/v1/realtime?intent=transcription", Map.of())) {
            assertEquals("session.created", c.next().get("type").asText());
            c.send("""
                    {"type":"session.update","session":{"type":"transcription","audio":{"input":{
                     "turn_detection":null,"transcription":{"model":"%s"}}}}}""".formatted(FAKE));
            assertEquals("session.updated", c.next().get("type").asText());
            c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            JsonNode done = c.next("conversation.item.input_audio_transcription.completed");
            assertEquals("fake model heard speech", done.get("transcript").asText());

            c.send("""
                    {"type":"session.update","event_id":"u9","session":{"type":"transcription","audio":{"input":{
                     "transcription":{"model":"no-such-model"}}}}}""");
            JsonNode err = c.next("error");
            assertEquals("model_not_found", err.at("/error/code").asText(), err.toString());

            c.send("""
                    {"type":"session.update","session":{"type":"transcription","audio":{"input":{
                     "transcription":{"model":"moonshine-tiny"}}}}}""");
            assertEquals("session.updated", c.next("session.updated").get("type").asText());
            c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            JsonNode moon = c.next("conversation.item.input_audio_transcription.completed");
            assertTrue(moon.get("transcript").asText().toLowerCase().contains("country"), moon.toString());
        }
    }

    @Test
    void theUrlsRealtimeModelNameUnknownHereMeansTheDefault() throws Exception {
        String audio = Base64.getEncoder().encodeToString(pcm16At24k(WavReader.read(TestData.jfkWav()).toMono16k()));
        try (RealtimeTestClient c = new RealtimeTestClient("ws://" + base + "/v1/realtime?model=gpt-4o-realtime-preview-2024-12-17", Map.of())) {
            assertEquals("session.created", c.next().get("type").asText());
            c.send("""
                    {"type":"session.update","session":{"type":"transcription","audio":{"input":{"turn_detection":null}}}}""");
            assertEquals("session.updated", c.next().get("type").asText());
            c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            JsonNode moon = c.next("conversation.item.input_audio_transcription.completed");
            assertTrue(moon.get("transcript").asText().toLowerCase().contains("country"), moon.toString());
        }
    }

    private static byte[] pcm16At24k(float[] mono16k) {
        int n = mono16k.length * 3 / 2;
        ByteBuffer b = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double at = i * 2.0 / 3.0;
            int j = (int) at;
            float v = j + 1 < mono16k.length ? (float) (mono16k[j] + (mono16k[j + 1] - mono16k[j]) * (at - j)) : mono16k[mono16k.length - 1];
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
        }
        return b.array();
    }

    private static double gauge(String name) {
        for (String line : server.metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + ms + " ms");
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> transcribe(String model) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model
                + "\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(jfk);
        body.writeBytes("\r\n--B--\r\n".getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=B")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
