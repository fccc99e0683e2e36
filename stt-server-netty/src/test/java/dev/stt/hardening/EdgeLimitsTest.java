package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.protocol.Json;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.VadOptions;
import dev.stt.server.AccessPolicy;
import dev.stt.server.ModelLoader;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import dev.stt.server.WebSocketSessionHandler;
import io.netty.channel.ChannelHandlerContext;
import dev.stt.server.openai.OpenAiCompatibility;
import dev.stt.server.openai.OpenAiOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edges of the server that need no model: session slots after rejected upgrades, /ready when full,
 * HTTP requests with lying headers, browser origins on HTTP, WebSocket frames past the limit or not UTF-8,
 * the header deadline and the connection caps, /health after the models failed for good. Real sockets.
 */
class EdgeLimitsTest {

    static final int SESSIONS = 4;
    static final int MAX_MESSAGE = 64 * 1024;
    static final String ALLOWED = "https://app.example.com";
    private static SttServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Models that load at once and are never used: these tests stop before audio reaches them. */
    static ModelLoader stubModels() {
        SpeechSegmenterFactory vad = new SpeechSegmenterFactory() {
            @Override
            public SpeechSegmenter open(int sampleRate, VadOptions options) {
                throw new UnsupportedOperationException("no VAD in this test");
            }

            @Override
            public void close() {
            }
        };
        SttEngine engine = new SttEngine() {
            @Override
            public String model() {
                return "stub";
            }

            @Override
            public Transcript transcribe(float[] samples, TranscribeOptions options) {
                throw new UnsupportedOperationException("no engine in this test");
            }

            @Override
            public void close() {
            }
        };
        return () -> new ModelLoader.Models(vad, engine);
    }

    /** A door that answers any text message with 20 MiB of text: what a client that does not read piles up. */
    static final class Flood extends WebSocketSessionHandler {
        Flood(SttServer server) {
            super(server);
        }

        @Override
        protected void onText(ChannelHandlerContext ctx, String text) {
            String mib = "x".repeat(1 << 20);
            for (int i = 0; i < 20; i++) {
                send(ctx, mib);
            }
        }

        @Override
        protected void onBinary(ChannelHandlerContext ctx, byte[] data) {
        }

        @Override
        protected void sendError(ChannelHandlerContext ctx, String code, String message) {
        }

        @Override
        protected void onClose() {
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1)
                .withLimits(SESSIONS, MAX_MESSAGE, 60, 4, 8).withEdgeLimits(3600, 1, 2048, 512);
        AccessPolicy policy = AccessPolicy.fromEnvironment(Map.of("STT_ALLOWED_ORIGINS", ALLOWED));
        SttServer s = new SttServer(c, stubModels()).door("/flood", (srv, upgrade) -> new Flood(srv));
        server = OpenAiCompatibility.install(policy.install(s), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(10, TimeUnit.SECONDS);
        assertTrue(server.models().ready());
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** An original-protocol session; fails if the server refuses it (1013, "at its limit"). */
    static WebSocket openSession() throws Exception {
        CompletableFuture<String> refused = new CompletableFuture<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                refused.complete(data.toString());
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                refused.complete("closed " + status);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        try {
            String why = refused.get(300, TimeUnit.MILLISECONDS);
            ws.abort();
            throw new AssertionError("session refused: " + why);
        } catch (java.util.concurrent.TimeoutException open) {
            return ws;
        }
    }

    static JsonNode ready() throws Exception {
        return Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url("/ready"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void rejectedUpgradesGiveBackTheirSlotsAndReadySaysWhenTheServerIsFull() throws Exception {
        String[] bad = {
            "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
            "POST /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nContent-Length: 0\r\n\r\n",
        };
        List<String> notAnswered400 = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            try (RawSocket s = new RawSocket(server.port())) {
                s.write(bad[i % 2]);
                String answer = s.readAll();
                if (!answer.startsWith("HTTP/1.1 400")) {
                    notAnswered400.add(i + ": '" + answer + "'");
                }
            }
        }
        HardeningClient.await("the rejected connections to close", () -> {
            try {
                return ready().path("sessions").asInt() == 0;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals("ready", ready().path("status").asText());
        List<WebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                open.add(openSession()); // every slot is still there after 300 rejected upgrades
            }
            JsonNode full = ready();
            assertEquals("full", full.path("status").asText(), full.toString());
            assertTrue(full.path("reason").asText().contains(SESSIONS + " session slots"), full.toString());
            assertEquals(503, HTTP.send(HttpRequest.newBuilder(URI.create(url("/ready"))).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            open.forEach(WebSocket::abort);
        }
        assertEquals(List.of(), notAnswered400, "rejected upgrades are answered 400");
        HardeningClient.await("/ready to say ready again", () -> {
            try {
                return ready().path("status").asText().equals("ready");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void lyingContentLengthsOnTheOpenAiPathsGet400() throws Exception {
        for (String length : new String[] {"5, 5", "99999999999999999999", "-3"}) {
            try (RawSocket s = new RawSocket(server.port())) {
                s.write("POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                        + "Content-Length: " + length + "\r\n\r\nhello");
                String answer = s.readAll();
                assertTrue(answer.startsWith("HTTP/1.1 400"), "Content-Length: " + length + " answered: " + answer);
            }
        }
    }

    @Test
    void theOriginAllowListCoversHttpRequestsToo() throws Exception {
        HttpResponse<String> evil = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/audio/transcriptions")))
                .header("Origin", "https://evil.example.net").header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, evil.statusCode(), evil.body());
        assertTrue(evil.body().contains("https://evil.example.net is not allowed"), evil.body());
        HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/models")))
                .header("Origin", ALLOWED).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, allowed.statusCode(), allowed.body());
        HttpResponse<String> noOrigin = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/models"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, noOrigin.statusCode(), "clients that are not browsers send no Origin and are served");
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        try (RawSocket s = RawSocket.websocket(server.port(), "/")) {
            s.sendFrame(1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            RawSocket.Frame close = s.readClose();
            assertNotNull(close, "the server closed without a close frame");
            assertEquals(1007, close.closeCode(), close.text());
        }
    }

    @Test
    void aFrameOverTheMessageLimitIsRefusedFromItsHeaderNotBuffered() throws Exception {
        try (RawSocket s = RawSocket.websocket(server.port(), "/")) {
            // a header announcing twice the message limit and only a few bytes of it: the answer must not wait for the rest
            s.out.write(RawSocket.frame(2, new byte[16], 2L * MAX_MESSAGE));
            s.out.flush();
            RawSocket.Frame close = s.readClose();
            assertNotNull(close, "the server closed without a close frame");
            assertEquals(1009, close.closeCode(), close.text());
        }
    }

    @Test
    void headersThatDoNotArriveInTimeGet408() throws Exception {
        for (String partial : new String[] {"", "GET /health HTTP/1.1\r\nHo"}) {
            try (RawSocket s = new RawSocket(server.port())) {
                long t0 = System.nanoTime();
                if (!partial.isEmpty()) {
                    s.write(partial);
                }
                String answer = s.readAll();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(answer.startsWith("HTTP/1.1 408"), "'" + partial + "' answered: " + answer);
                assertTrue(answer.contains("STT_HEADER_TIMEOUT_S"), answer);
                assertTrue(ms < 5_000, "408 after " + ms + " ms; the deadline is 1 s");
            }
        }
        // a keep-alive connection between requests is idle, not late: the deadline runs only inside a request
        try (RawSocket s = new RawSocket(server.port())) {
            s.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(s.readHead().startsWith("HTTP/1.1 200"));
            s.in.readNBytes(15); // {"status":"ok"}
            Thread.sleep(1_500);
            s.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(s.readHead().startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void connectionsPastThePerAddressCapAreRefusedWith503() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1)
                .withEdgeLimits(3600, 10, 100, 3);
        SttServer capped = new SttServer(c, stubModels()).start();
        List<RawSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawSocket s = new RawSocket(capped.port());
                held.add(s);
                // answered, so the server has counted it: connections of different event loops are counted in
                // no set order, and the refused one must be the fourth
                s.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                String head = s.readHead();
                assertTrue(head.startsWith("HTTP/1.1 "), head);
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
                assertTrue(length.find(), head);
                s.in.readNBytes(Integer.parseInt(length.group(1)));
            }
            try (RawSocket fourth = new RawSocket(capped.port())) {
                String answer = fourth.readAll();
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("STT_MAX_CONNECTIONS_PER_ADDRESS"), answer);
            }
            held.remove(0).close();
            HardeningClient.await("a connection to be admitted again", () -> {
                try (RawSocket s = new RawSocket(capped.port())) {
                    s.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    return s.readAll().startsWith("HTTP/1.1 200");
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            for (RawSocket s : held) {
                s.close();
            }
            capped.shutdown();
        }
    }

    @Test
    void healthIs503OnceTheModelsFailedForGood() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(1);
        SttServer failed = new SttServer(c, () -> {
            throw new IOException("model file is corrupt");
        }).start();
        try {
            failed.models().loaded().get(10, TimeUnit.SECONDS);
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + failed.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("model file is corrupt"), health.body());
        } finally {
            failed.shutdown();
        }
    }

    @Test
    void outputPilingUpForAClientThatDoesNotReadIsBoundedAndTheConnectionClosed() throws Exception {
        try (RawSocket s = RawSocket.websocket(server.port(), "/flood")) {
            s.socket.setReceiveBufferSize(64 * 1024);
            s.sendFrame(1, ascii("go"));
            Thread.sleep(2_000); // not reading: 20 MiB of answers pile up on the server
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            boolean ended = false;
            try {
                for (int n; (n = s.in.read(buf)) >= 0; ) {
                    received += n;
                }
                ended = true;
            } catch (java.net.SocketException reset) {
                ended = true;
            }
            assertTrue(ended, "the connection was not closed");
            assertTrue(received < 12L << 20, received + " bytes were queued for a client that did not read");
        }
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(url("/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("kind=\"output_backlog\""), "the close is counted");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
