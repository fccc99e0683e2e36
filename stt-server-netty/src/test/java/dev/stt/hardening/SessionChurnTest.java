package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.onnx.LiveTensors;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import io.netty.util.internal.PlatformDependent;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resource hygiene: thousands of sessions opened and dropped (clean close, abrupt abort, half-open
 * sockets left to the idle timeout) leave no session, ONNX tensor, leaked Netty buffer or direct
 * memory behind, and nothing is logged at ERROR.
 */
class SessionChurnTest {

    static final int SESSIONS = 2_000;
    static final int HALF_OPEN = 40;
    static final int PARALLEL = 8;
    /** Netty's pool keeps whole chunks once touched; growth beyond a few chunks would be a leak. */
    static final long DIRECT_SLACK = 16L << 20;
    private static SttServer server;
    private static float[] speech;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2).withIntraThreads(1)
                .withLimits(512, 1 << 20, 2, 16, 256);
        server = new SttServer(c, SttServer.defaultLoader(c)).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        float[] jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
        speech = Arrays.copyOf(jfk, 16_000 / 2); // half a second: the VAD is running when the client leaves
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    static long jvmDirect() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** Netty's own count when it manages direct memory itself, else the JVM's. */
    static long direct() {
        long netty = PlatformDependent.usedDirectMemory();
        return netty >= 0 ? netty + jvmDirect() : jvmDirect();
    }

    /** Clean close, abort, or (every tenth) a session that sends one bad message and closes. */
    static void churn(int i) {
        HardeningClient c = new HardeningClient("ws://127.0.0.1:" + server.port() + "/");
        switch (i % 3) {
            case 0 -> {
                c.stream(speech, 0, speech.length, 1_600);
                c.close();
            }
            case 1 -> {
                c.stream(speech, 0, speech.length, 1_600);
                c.ws.abort();
            }
            default -> {
                c.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"!!\"}");
                c.ws.abort();
            }
        }
    }

    static void churn(int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int n = i;
                done.add(pool.submit(() -> churn(n)));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Upgrades, then goes silent without closing or reading: only the idle timeout can free the slot. */
    static Socket halfOpen() throws Exception {
        Socket s = new Socket("127.0.0.1", server.port());
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    static void settle() throws InterruptedException {
        HardeningClient.await("every session to be released", () -> server.openSessions() == 0 && server.metrics().sessions().get() == 0
                && server.idle());
    }

    @Test
    void thousandsOfDroppedSessionsLeaveNothingBehind() throws Exception {
        try (LogWatch log = new LogWatch()) {
            churn(0, 200); // warm-up: pools, arenas and class loading reach their working size
            settle();
            System.gc();
            long tensors = LiveTensors.live();
            long directBefore = direct();

            churn(200, 200 + SESSIONS);
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < HALF_OPEN; i++) {
                silent.add(halfOpen());
            }
            HardeningClient.await("half-open sockets to be counted", () -> server.metrics().sessions().get() >= HALF_OPEN);
            // idle timeout is 2 s: the server must close them itself
            HardeningClient.await("the idle timeout to close the silent sockets", () -> server.metrics().sessions().get() == 0);
            for (Socket s : silent) {
                InputStream in = s.getInputStream();
                s.setSoTimeout(5_000);
                byte[] all = in.readAllBytes(); // ends because the server closed the connection
                assertTrue(new String(all, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101"), "upgrade answered");
                s.close();
            }
            settle();

            // live() is process-wide: work another test class left in flight when the baseline was taken may end later
            HardeningClient.await("no live ONNX tensors beyond the baseline", () -> LiveTensors.live() <= tensors);
            LogWatch.provokeLeakReports();
            long directAfter = direct();
            System.out.printf("direct memory: %d KiB after warm-up, %d KiB after %d more sessions%n",
                    directBefore >> 10, directAfter >> 10, SESSIONS + HALF_OPEN);
            assertTrue(directAfter <= directBefore + DIRECT_SLACK,
                    "direct memory grew from " + directBefore + " to " + directAfter + " bytes");
            assertEquals(List.of(), log.problems(), "errors, stack traces or buffer leaks in the server log");

            // and the server still transcribes
            try (HardeningClient c = new HardeningClient("ws://127.0.0.1:" + server.port() + "/")) {
                float[] jfk = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
                c.stream(jfk, 0, 16_000 * 7 / 2, 1_600);
                c.send("{\"type\":\"input_audio_buffer.commit\"}");
                JsonNode m;
                while ((m = c.next(60_000)) != null && !m.path("type").asText().equals("response.audio_transcript.done")) {
                    assertEquals("input_audio_buffer.committed", m.path("type").asText(), m.toString());
                }
                assertTrue(m != null && m.path("transcript").asText().toLowerCase().contains("americans"), String.valueOf(m));
            }
        }
    }
}
