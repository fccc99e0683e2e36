package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import dev.stt.protocol.Json;
import dev.stt.protocol.client.WholeTextMessages;
import dev.stt.server.ModelLoader;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import dev.stt.server.openai.OpenAiCompatibility;
import dev.stt.server.openai.OpenAiOptions;
import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The five breakages of issue #16 that need a real model, each as a hostile client would provoke it, on
 * real sockets: clients that never read, work longer than the idle timeout, WAV headers that lie, an
 * engine that throws an Error, a Realtime append of half a sample. The engine is the real one, wrapped
 * so a test can slow it down or make it throw.
 */
class HostileClientsTest {

    static final int IDLE_S = 2;
    static final int MAX_AUDIO_S = 60;
    private static SttServer server;
    private static float[] jfk;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static volatile long engineDelayMs;
    static volatile boolean engineThrows;

    /** The real engine, with a delay and a failure the tests switch on. */
    record Controlled(SttEngine engine) implements SttEngine {
        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            if (engineThrows) {
                throw new Error("engine broke");
            }
            if (engineDelayMs > 0) {
                try {
                    Thread.sleep(engineDelayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return engine.transcribe(samples, options);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2).withIntraThreads(1)
                .withLimits(32, 16 << 20, IDLE_S, 16, 64).withEdgeLimits(MAX_AUDIO_S, 10, 2048, 512);
        ModelLoader real = SttServer.defaultLoader(c);
        ModelLoader controlled = () -> {
            ModelLoader.Models m = real.load();
            return new ModelLoader.Models(m.vad(), new Controlled(m.engine()));
        };
        server = OpenAiCompatibility.install(new SttServer(c, controlled), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @AfterEach
    void normalEngine() {
        engineDelayMs = 0;
        engineThrows = false;
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long direct() {
        long jvm = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long netty = PlatformDependent.usedDirectMemory();
        return netty >= 0 ? netty + jvm : jvm;
    }

    /**
     * Writes 125-byte pings as fast as the socket takes them, never reading, for {@code millis} or until
     * {@code maxBytes}; returns the bytes the server took.
     */
    static long pingFlood(long maxBytes, long millis) throws IOException {
        RawSocket s = RawSocket.websocket(server.port(), "/");
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        byte[] payload = new byte[125];
        while (burst.size() < 64 * 1024) {
            burst.writeBytes(RawSocket.frame(9, payload, payload.length));
        }
        byte[] b = burst.toByteArray();
        long written = 0;
        var watchdog = Executors.newSingleThreadScheduledExecutor();
        watchdog.schedule(() -> {
            try {
                s.close(); // unblocks a write the server no longer takes
            } catch (IOException ignored) {
                // closed already
            }
        }, millis, TimeUnit.MILLISECONDS);
        try {
            while (written < maxBytes) {
                s.out.write(b);
                written += b.length;
            }
        } catch (IOException stopped) {
            // the watchdog, or the server closing a client that does not read
        } finally {
            watchdog.shutdownNow();
            s.close();
        }
        return written;
    }

    /** Streams jfk.wav on the original protocol, commits, and returns the transcript. */
    static String transcribeJfk() throws Exception {
        HardeningClient c = new HardeningClient("ws://127.0.0.1:" + server.port() + "/");
        try {
            c.stream(jfk, 0, jfk.length, 1_600);
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            StringBuilder text = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                JsonNode m = c.next(1_000);
                if (m == null) {
                    continue;
                }
                String type = m.path("type").asText();
                if (type.equals("error")) {
                    throw new AssertionError("the streaming client got " + m);
                }
                if (type.equals("response.audio_transcript.done")) {
                    text.append(m.path("transcript").asText()).append(' ');
                    if (m.path("end_ms").asLong() >= 10_500) {
                        return text.toString().strip();
                    }
                }
            }
            throw new AssertionError("no end of the transcript within 60 s; got '" + text + "'");
        } finally {
            c.ws.abort();
        }
    }

    @Test
    void clientsFloodingPingsWithoutReadingAreBoundedAndAStreamingClientBesideThemIsServed() throws Exception {
        System.gc();
        long heap0 = heapUsed();
        long direct0 = direct();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> floods = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                floods.add(pool.submit(() -> pingFlood(512L << 20, 8_000)));
            }
            Thread.sleep(1_000);
            String text = transcribeJfk();
            assertTrue(TextNormalizer.normalize(text).contains("fellow americans"), "the streaming client got '" + text + "'");
            long heapPeak = heapUsed();
            long directPeak = direct();
            long[] written = new long[3];
            for (int i = 0; i < 3; i++) {
                written[i] = floods.get(i).get(60, TimeUnit.SECONDS);
            }
            System.gc();
            System.out.printf("ping flood: client wrote %s bytes; server heap %d -> %d MiB during (after gc: %d), direct %d -> %d MiB%n",
                    Arrays.toString(written), heap0 >> 20, heapPeak >> 20, heapUsed() >> 20, direct0 >> 20, directPeak >> 20);
            for (long w : written) {
                // without the bound the server reads (and answers) everything: hundreds of MiB in 8 s
                assertTrue(w < 48L << 20, "a client that never reads got " + (w >> 20) + " MiB of pings taken");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void workLongerThanTheIdleTimeoutIsNotIdlenessOnAnyDoor() throws Exception {
        engineDelayMs = 1_000L * IDLE_S + 1_500; // each segment takes longer than the idle timeout
        // the HTTP door: the upload is in, the server works, the connection is silent both ways
        HttpResponse<String> r = upload("jfk.wav", Files.readAllBytes(TestData.speechDir().resolve("jfk.wav")));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(TextNormalizer.normalize(Json.MAPPER.readTree(r.body()).path("text").asText()).contains("fellow americans"), r.body());
        // a WebSocket door: the audio is in, transcripts are owed
        String text = transcribeJfk();
        assertTrue(TextNormalizer.normalize(text).contains("fellow americans"), text);
    }

    @Test
    void wavHeadersClaimingAbsurdRatesOrLengthsGet400BeforeDecoding() throws Exception {
        HttpResponse<String> oneHz = upload("1hz.wav", wav(1, new byte[60_000]));
        assertEquals(400, oneHz.statusCode(), oneHz.body());
        JsonNode e = Json.MAPPER.readTree(oneHz.body()).path("error");
        assertEquals("invalid_request_error", e.path("type").asText(), oneHz.body());
        assertTrue(e.path("message").asText().contains("sample rate 1 Hz is outside the 1000..384000 Hz"), oneHz.body());
        HttpResponse<String> oneMHz = upload("1mhz.wav", wav(1_000_000, new byte[60_000]));
        assertEquals(400, oneMHz.statusCode(), oneMHz.body());
        assertTrue(oneMHz.body().contains("sample rate 1000000 Hz"), oneMHz.body());

        HttpResponse<String> tooLong = upload("long.wav", wav(16_000, new byte[2 * 16_000 * (MAX_AUDIO_S + 1)]));
        assertEquals(400, tooLong.statusCode(), tooLong.body());
        String message = Json.MAPPER.readTree(tooLong.body()).path("error").path("message").asText();
        assertTrue(message.contains("61.0 s long") && message.contains("limit of " + MAX_AUDIO_S + " s (STT_MAX_AUDIO_SECONDS)"), message);
    }

    @Test
    void anErrorInTheEngineAnswersEveryDoorAndIsCounted() throws Exception {
        engineThrows = true;
        HttpResponse<String> r = upload("jfk.wav", Files.readAllBytes(TestData.speechDir().resolve("jfk.wav")));
        assertEquals(500, r.statusCode(), r.body());
        JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
        assertEquals("server_error", e.path("type").asText(), r.body());
        assertTrue(e.path("message").asText().startsWith("transcription failed"), r.body());
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("kind=\"internal\""), "the failure is counted");
        // a WebSocket session: the segment gets an error message instead of never being answered
        HardeningClient c = new HardeningClient("ws://127.0.0.1:" + server.port() + "/");
        try {
            c.stream(jfk, 0, 16_000 * 4, 1_600);
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            JsonNode m;
            do {
                m = c.next(30_000);
            } while (m != null && !m.path("type").asText().equals("error"));
            assertTrue(m != null && m.path("message").asText().contains("transcription failed: internal error"), String.valueOf(m));
        } finally {
            c.ws.abort();
        }
    }

    @Test
    void aRealtimeAppendOfHalfASampleIsRefusedAndTheStreamStaysAligned() throws Exception {
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/v1/realtime?intent=transcription"),
                new WholeTextMessages(text -> {
                    try {
                        events.add(Json.MAPPER.readTree(text));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })).get(10, TimeUnit.SECONDS);
        try {
            assertEquals("session.created", next(events, null).path("type").asText());
            ws.sendText(append(new byte[] {1, 2, 3}), true).join();
            JsonNode error = next(events, "error");
            assertTrue(error.at("/error/message").asText().contains("3 bytes"), error.toString());
            byte[] pcm24k = Pcm16.encode(Resampler.resample(Arrays.copyOf(jfk, 16_000 * 7 / 2), 16_000, 24_000));
            for (int at = 0; at < pcm24k.length; at += 4_800) {
                ws.sendText(append(Arrays.copyOfRange(pcm24k, at, Math.min(pcm24k.length, at + 4_800))), true).join();
            }
            ws.sendText("{\"type\":\"input_audio_buffer.commit\"}", true).join();
            JsonNode done = next(events, "conversation.item.input_audio_transcription.completed");
            assertTrue(TextNormalizer.normalize(done.path("transcript").asText()).contains("fellow americans"), done.toString());
        } finally {
            ws.abort();
        }
    }

    static JsonNode next(BlockingQueue<JsonNode> events, String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode m = events.poll(1, TimeUnit.SECONDS);
            if (m != null && (type == null || m.path("type").asText().equals(type))) {
                return m;
            }
        }
        throw new AssertionError("no " + (type == null ? "event" : type) + " within 30 s");
    }

    static String append(byte[] pcm) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(pcm) + "\"}";
    }

    /** A mono PCM16 WAV whose header claims {@code rate}. */
    static byte[] wav(int rate, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return b.array();
    }

    static HttpResponse<String> upload(String name, byte[] file) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: audio/wav\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions"))
                .timeout(java.time.Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
