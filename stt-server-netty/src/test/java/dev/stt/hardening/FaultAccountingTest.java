package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.protocol.Json;
import dev.stt.server.ModelLoader;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accounting under faults, over real sockets with the real models: the engine throws on every third
 * segment, the shared inference queue holds only two, and some clients vanish mid-utterance. Every
 * segment the server closes still gets exactly one answer (a transcript or an error naming its
 * segment_id), and {@code /ready} says "overloaded" while the queue is full.
 */
class FaultAccountingTest {

    static final int CLIENTS = 6;
    static final int QUEUE = 2;
    private static SttServer server;
    private static FaultyEngine engine;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The real engine, except that every third call throws and calls wait while the test holds them. */
    static final class FaultyEngine implements SttEngine {
        final SttEngine real;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger injected = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);

        FaultyEngine(SttEngine real) {
            this.real = real;
        }

        @Override
        public String model() {
            return real.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = calls.incrementAndGet();
            if (n % 3 == 0) {
                injected.incrementAndGet();
                throw new IllegalStateException("injected engine fault on call " + n);
            }
            return real.transcribe(samples, options);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1).withIntraThreads(1)
                .withLimits(64, 1 << 20, 300, 16, QUEUE);
        ModelLoader real = SttServer.defaultLoader(c);
        server = new SttServer(c, () -> {
            ModelLoader.Models m = real.load();
            engine = new FaultyEngine(m.engine());
            return new ModelLoader.Models(m.vad(), engine);
        }).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A counter from the Prometheus scrape, 0 when it has not been created yet. */
    static double metric(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void everyClosedSegmentGetsExactlyOneAnswerDespiteEngineFaultsDropsAndAFullQueue() throws Exception {
        float[] jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
        String before = get("/metrics").body();
        engine.hold = new CountDownLatch(1);
        String url = "ws://127.0.0.1:" + server.port() + "/";

        List<HardeningClient> stayers = new ArrayList<>();
        List<HardeningClient> leavers = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            HardeningClient c = new HardeningClient(url);
            if (i % 3 == 2) {
                // gone 6 s in: an utterance is open and earlier ones are queued or refused
                c.stream(jfk, 0, 16_000 * 6, 3_200);
                c.ws.abort();
                leavers.add(c);
            } else {
                c.stream(jfk, 0, jfk.length, 3_200);
                c.send("{\"type\":\"input_audio_buffer.commit\"}");
                stayers.add(c);
            }
        }
        // one segment runs (held), two wait: the shared queue is full, new sessions should go elsewhere
        HardeningClient.await("a full inference queue", () -> server.inference().queued() >= QUEUE);
        HttpResponse<String> ready = get("/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        assertEquals("overloaded", Json.MAPPER.readTree(ready.body()).path("status").asText(), ready.body());
        engine.hold.countDown();

        int done = 0;
        int failed = 0;
        int busy = 0;
        for (HardeningClient c : stayers) {
            Map<Long, JsonNode> answers = new TreeMap<>();
            long last = -1;
            while (last < 0 || answers.size() < last) {
                JsonNode m = c.next(TimeUnit.SECONDS.toMillis(HardeningClient.TIMEOUT_S));
                if (m == null) {
                    throw new AssertionError("answers stopped at " + answers.keySet() + " (last segment " + last + ")");
                }
                String type = m.path("type").asText();
                if (type.equals("input_audio_buffer.committed")) {
                    last = m.path("last_segment_id").asLong();
                    continue;
                }
                assertTrue(m.has("segment_id"), "every answer names its segment: " + m);
                JsonNode previous = answers.put(m.path("segment_id").asLong(), m);
                assertEquals(null, previous, "a second answer for one segment: " + m);
                if (type.equals("response.audio_transcript.done")) {
                    done++;
                } else {
                    assertEquals("error", type, m.toString());
                    failed++;
                    String message = m.path("message").asText();
                    busy += message.startsWith("server busy") ? 1 : 0;
                    assertTrue(message.startsWith("server busy") || message.startsWith("transcription failed"), message);
                    assertTrue(!message.contains("Exception") && !message.contains(".java"), "leaks internals: " + message);
                }
            }
            assertTrue(last >= 2, "jfk.wav is several utterances, got " + last);
            for (long id = 1; id <= last; id++) {
                assertTrue(answers.containsKey(id), "segment " + id + " was never answered: " + answers.keySet());
            }
            JsonNode extra = c.next(300);
            assertEquals(null, extra, "nothing after the last answer");
            c.close();
        }
        assertTrue(done > 0 && failed > 0 && busy > 0, "done " + done + ", failed " + failed + ", busy " + busy);
        assertTrue(engine.injected.get() > 0, "the engine fault was injected");

        // server side, dropped clients included: segments closed = transcripts + per-segment errors
        HardeningClient.await("an idle server", () -> server.openSessions() == 0 && server.idle());
        String after = get("/metrics").body();
        double closed = metric(after, "stt_segments_total") - metric(before, "stt_segments_total");
        double transcribed = metric(after, "stt_inference_latency_seconds_count") - metric(before, "stt_inference_latency_seconds_count");
        double errors = metric(after, "stt_errors_total{kind=\"segment_failed\"}") - metric(before, "stt_errors_total{kind=\"segment_failed\"}");
        assertTrue(closed > done + failed, "the dropped clients closed segments too: " + closed);
        assertEquals(closed, transcribed + errors, "segments in vs answers out:\n" + after);
        HardeningClient.await("/ready to recover", () -> {
            try {
                return get("/ready").statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
