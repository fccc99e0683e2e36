package dev.stt.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.WordErrorRate;
import dev.stt.protocol.Json;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import dev.stt.server.openai.OpenAiCompatibility;
import dev.stt.server.openai.OpenAiOptions;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded protocol fuzzing of the original protocol over real sockets: every hostile message gets exactly
 * one clear error, nothing internal leaks into the messages, and a well-behaved client is served
 * correctly at the same time.
 */
class ProtocolFuzzTest {

    static final int MESSAGES = 10_000;
    static final int CONNECTIONS = 4;
    static final int MAX_MESSAGE = 64 * 1024;
    static final int REALTIME_MESSAGES = 2_000;
    static final int HTTP_REQUESTS = 400;
    private static SttServer server;
    private static String url;
    private static LogWatch log;

    @BeforeAll
    static void start() throws Exception {
        log = new LogWatch();
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2)
                .withLimits(64, MAX_MESSAGE, 300, 16, 256);
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        url = "ws://127.0.0.1:" + server.port() + "/";
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            server.shutdown();
            LogWatch.provokeLeakReports();
            assertEquals(List.of(), log.problems(), "no ERROR, stack trace or buffer leak in the server log");
        } finally {
            log.close();
        }
    }

    /** What a client may read in an error: a sentence about its input, nothing about our insides. */
    static void assertClear(String message, String input) {
        assertFalse(message.isBlank(), "empty error message for " + input);
        assertFalse(message.contains("Exception") || message.contains("\tat ") || message.contains("/root") || message.contains("/home")
                || message.contains(".java") || message.contains("dev.stt") || message.contains("io.netty"),
                "error leaks internals: " + message);
    }

    /** One hostile message: text (JSON or not) or binary. */
    record Hostile(String text, byte[] binary, String kind) {
    }

    static Hostile generate(Random r) {
        String append = "{\"type\":\"input_audio_buffer.append\",\"sample_rate\":16000,\"audio\":\"" + b64(2 * (1 + r.nextInt(400))) + "\"}";
        switch (r.nextInt(14)) {
            case 0:
                return text(append.substring(0, 1 + r.nextInt(append.length() - 1)), "truncated JSON");
            case 1: {
                int depth = 40 + r.nextInt(2_000);
                return text("[".repeat(depth) + "]".repeat(depth), "deep nesting");
            }
            case 2:
                return text("{\"type\":\"" + "x".repeat(1_000 + r.nextInt(50_000)) + "\"}", "huge type string");
            case 3:
                return text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + badBase64(r) + "\"}", "bad base64");
            case 4: {
                String[] wrong = {"{\"type\":5}", "{\"type\":null}", "{\"type\":[\"input_audio_buffer.append\"]}",
                    "{\"type\":\"input_audio_buffer.append\",\"audio\":12}", "{\"type\":\"input_audio_buffer.append\",\"audio\":{\"a\":1}}",
                    "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAA\",\"sample_rate\":\"fast\"}",
                    "{\"type\":\"session.update\",\"echo_audio\":\"no\"}", "{\"type\":\"input_audio_buffer.append\"}"};
                return text(wrong[r.nextInt(wrong.length)], "wrong types");
            }
            case 5:
                return text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + b64(2 * r.nextInt(200) + 1) + "\"}", "odd byte count");
            case 6: {
                String[] rates = {"-1", "0", "1", "7999", "48001", "1e12", "16000.5", "96000", "-16000", "NaN", "1e400"};
                return text("{\"type\":\"input_audio_buffer.append\",\"sample_rate\":" + rates[r.nextInt(rates.length)]
                        + ",\"audio\":\"" + b64(32) + "\"}", "absurd sample rate");
            }
            case 7: {
                byte[] junk = new byte[2 * r.nextInt(500) + 1];
                r.nextBytes(junk);
                return new Hostile(null, junk, "binary junk (odd length)");
            }
            case 8:
                return text("{\"type\":\"" + randomWord(r) + "\"}", "unknown event");
            case 9: {
                String[] notObjects = {"null", "42", "\"text\"", "[]", "true", "", " ", "{}", "{\"audio\":\"AAAA\"}", "nonsense", "{\"type\":}"};
                return text(notObjects[r.nextInt(notObjects.length)], "not an event");
            }
            case 10: {
                StringBuilder s = new StringBuilder();
                for (int i = 0, n = 1 + r.nextInt(200); i < n; i++) {
                    s.append((char) (1 + r.nextInt(0xD7FF)));
                }
                return text(s.toString(), "random characters");
            }
            case 11:
                return text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + b64(2) + "\",\"sample_rate\":" + "9".repeat(400) + "}", "huge number");
            case 12:
                return r.nextInt(40) == 0
                        ? text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "A".repeat(MAX_MESSAGE + 16) + "\"}", "over the size limit")
                        : text("{\"type\":\"input_audio_buffer.append\",\"type\":\"x\"}", "duplicate key");
            default:
                return text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + b64(2) + "\",\"sample_rate\":16000", "unclosed object");
        }
    }

    static Hostile text(String s, String kind) {
        return new Hostile(s, null, kind);
    }

    static String b64(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    static String badBase64(Random r) {
        String[] bad = {"!!!!", "A===", "@@@@AAAA", "AAAA$", "\\u0000AAA", "AAAA=AAAA", "====", "A"};
        return bad[r.nextInt(bad.length)];
    }

    static String randomWord(Random r) {
        StringBuilder s = new StringBuilder("x.");
        for (int i = 0; i < 1 + r.nextInt(30); i++) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }

    @Test
    void tenThousandHostileMessagesEachGetOneClearErrorWhileAGoodClientIsServed() throws Exception {
        CompletableFuture<String> good = CompletableFuture.supplyAsync(ProtocolFuzzTest::transcribeJfk);
        List<CompletableFuture<List<String>>> fuzzers = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            long seed = 1_000 + c;
            fuzzers.add(CompletableFuture.supplyAsync(() -> fuzz(seed, MESSAGES / CONNECTIONS)));
        }
        int errors = 0;
        for (CompletableFuture<List<String>> f : fuzzers) {
            List<String> messages = f.get(300, TimeUnit.SECONDS);
            errors += messages.size();
            for (String m : messages) {
                assertClear(m, "the original protocol");
            }
        }
        assertEquals(MESSAGES, errors, "every hostile message gets exactly one error");
        String text = good.get(300, TimeUnit.SECONDS);
        SpeechCorpus.Clip jfk = SpeechCorpus.load(TestData.speechDir()).stream()
                .filter(c -> c.name().equals("jfk")).findFirst().orElseThrow();
        assertTrue(WordErrorRate.rate(jfk.reference(), text) < 0.15, "the good client got '" + text + "'");
    }

    /** Sends {@code count} hostile messages on one connection and returns the error messages received. */
    static List<String> fuzz(long seed, int count) {
        Random r = new Random(seed);
        HardeningClient client = new HardeningClient(url);
        BlockingQueue<JsonNode> in = client.inbox;
        WebSocket ws = client.ws;
        List<String> errors = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Hostile h = generate(r);
                if (h.text() != null && h.text().length() > MAX_MESSAGE) {
                    // a single frame over the limit is closed with 1009 before it is buffered; a message over
                    // the limit sent in frames under it gets an error and the connection stays usable
                    int half = h.text().length() / 2;
                    ws.sendText(h.text().substring(0, half), false).join();
                    ws.sendText(h.text().substring(half), true).join();
                } else if (h.text() != null) {
                    ws.sendText(h.text(), true).join();
                } else {
                    ws.sendBinary(ByteBuffer.wrap(h.binary()), true).join();
                }
                JsonNode reply = in.poll(30, TimeUnit.SECONDS);
                if (reply == null) {
                    throw new AssertionError("no answer to message " + i + " (" + h.kind() + ") with seed " + seed);
                }
                if (!reply.path("type").asText().equals("error")) {
                    throw new AssertionError("message " + i + " (" + h.kind() + ", seed " + seed + ") got " + reply);
                }
                errors.add(reply.path("message").asText());
            }
            JsonNode extra = in.poll(500, TimeUnit.MILLISECONDS);
            if (extra != null) {
                throw new AssertionError("unexpected extra message " + extra);
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            return errors;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }


    /** Hostile events for the Realtime door: each one is invalid there, so each must get one error event. */
    static Hostile realtimeHostile(Random r) {
        String append = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + b64(2 * (1 + r.nextInt(400))) + "\"}";
        switch (r.nextInt(9)) {
            case 0:
                return text(append.substring(0, 1 + r.nextInt(append.length() - 2)), "truncated JSON");
            case 1: {
                int depth = 40 + r.nextInt(2_000);
                return text("{\"a\":".repeat(depth) + "1" + "}".repeat(depth), "deep nesting");
            }
            case 2:
                return text("{\"type\":\"" + "x".repeat(1_000 + r.nextInt(50_000)) + "\"}", "huge type string");
            case 3:
                return text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"A\"}", "bad base64");
            case 4: {
                String[] wrong = {"{\"type\":5}", "{\"type\":null}", "{\"type\":[\"input_audio_buffer.append\"]}",
                    "{\"type\":\"input_audio_buffer.append\",\"audio\":12}", "{\"type\":\"input_audio_buffer.append\",\"audio\":{\"a\":1}}",
                    "{\"type\":\"input_audio_buffer.append\"}"};
                return text(wrong[r.nextInt(wrong.length)], "wrong types");
            }
            case 5: {
                byte[] junk = new byte[1 + r.nextInt(500)];
                r.nextBytes(junk);
                return new Hostile(null, junk, "binary junk");
            }
            case 6:
                return text("{\"type\":\"" + randomWord(r) + "\"}", "unknown event");
            case 7: {
                String[] notObjects = {"null", "42", "\"text\"", "[]", "true", "nonsense", "{\"type\":}", "{}"};
                return text(notObjects[r.nextInt(notObjects.length)], "not an event");
            }
            default:
                // every append above was refused, so the buffer is empty
                return text("{\"type\":\"input_audio_buffer.commit\"}", "commit of an empty buffer");
        }
    }

    @Test
    void theRealtimeDoorAnswersEveryHostileEventWithOneErrorEvent() throws Exception {
        Random r = new Random(77);
        HardeningClient client = new HardeningClient("ws://127.0.0.1:" + server.port() + "/v1/realtime?intent=transcription");
        BlockingQueue<JsonNode> in = client.inbox;
        WebSocket ws = client.ws;
        JsonNode created = in.poll(30, TimeUnit.SECONDS);
        assertTrue(created != null && created.path("type").asText().endsWith("session.created"), String.valueOf(created));
        for (int i = 0; i < REALTIME_MESSAGES; i++) {
            Hostile h = realtimeHostile(r);
            if (h.text() != null) {
                ws.sendText(h.text(), true).join();
            } else {
                ws.sendBinary(ByteBuffer.wrap(h.binary()), true).join();
            }
            JsonNode reply = in.poll(30, TimeUnit.SECONDS);
            if (reply == null || !reply.path("type").asText().equals("error")) {
                throw new AssertionError("event " + i + " (" + h.kind() + ", seed 77) got " + reply + " for "
                        + (h.text() == null ? "binary" : h.text().substring(0, Math.min(200, h.text().length()))));
            }
            assertClear(reply.path("error").path("message").asText(), h.kind());
        }
        JsonNode extra = in.poll(500, TimeUnit.MILLISECONDS);
        assertEquals(null, extra, "one answer per event");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    /** A hostile upload: a body and its content type. */
    record Upload(byte[] body, String contentType, String kind) {
    }

    static Upload hostileUpload(Random r) {
        String boundary = "b" + r.nextInt(1_000_000);
        String multipart = "multipart/form-data; boundary=" + boundary;
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n";
        switch (r.nextInt(7)) {
            case 0: {
                byte[] junk = new byte[r.nextInt(4_000)];
                r.nextBytes(junk);
                return new Upload(junk, multipart, "binary junk as multipart");
            }
            case 1: {
                String form = head + "RIFF....WAVEfmt " + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + boundary + "--\r\n";
                return new Upload(form.substring(0, r.nextInt(form.length())).getBytes(StandardCharsets.ISO_8859_1), multipart, "truncated form");
            }
            case 2: {
                byte[] wav = new byte[44 + 2 * r.nextInt(100)];
                r.nextBytes(wav);
                System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, wav, 0, 4);
                System.arraycopy("WAVEfmt ".getBytes(StandardCharsets.US_ASCII), 0, wav, 8, 8);
                byte[] form = (head + new String(wav, StandardCharsets.ISO_8859_1) + "\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--" + boundary + "--\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                return new Upload(form, multipart, "WAV header with random fields");
            }
            case 3:
                return new Upload("{\"file\":\"x\"}".getBytes(StandardCharsets.UTF_8), "application/json", "JSON instead of a form");
            case 4:
                return new Upload(new byte[0], multipart, "empty body");
            case 5: {
                String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + "m".repeat(r.nextInt(100_000))
                        + "\r\n--" + boundary + "--\r\n";
                return new Upload(form.getBytes(StandardCharsets.UTF_8), multipart, "no file, huge field");
            }
            default:
                return new Upload(new byte[MAX_MESSAGE + 1 + r.nextInt(1_000)], multipart, "over the upload limit");
        }
    }

    @Test
    void theHttpApiAnswersHostileUploadsWithClientErrors() throws Exception {
        Random r = new Random(99);
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions");
        for (int i = 0; i < HTTP_REQUESTS; i++) {
            Upload u = hostileUpload(r);
            HttpResponse<String> res;
            try {
                res = http.send(HttpRequest.newBuilder(uri).header("Content-Type", u.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(u.body())).build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                // the server may close the connection on an oversized upload after answering 413
                assertEquals("over the upload limit", u.kind(), "request " + i + " failed: " + e);
                continue;
            }
            assertTrue(res.statusCode() >= 400 && res.statusCode() < 500, "request " + i + " (" + u.kind() + ") got "
                    + res.statusCode() + ": " + res.body());
            JsonNode body = Json.MAPPER.readTree(res.body());
            assertClear(body.path("error").path("message").asText(), u.kind());
        }
    }

    static String transcribeJfk() {
        try {
            float[] x = WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k();
            HardeningClient client = new HardeningClient(url);
            BlockingQueue<JsonNode> in = client.inbox;
            WebSocket ws = client.ws;
            for (int at = 0; at < x.length; at += 1_600) {
                String audio = Base64.getEncoder().encodeToString(Pcm16.encode(x, at, Math.min(1_600, x.length - at)));
                ws.sendText("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}", true).join();
            }
            ws.sendText("{\"type\":\"input_audio_buffer.commit\"}", true).join();
            StringBuilder text = new StringBuilder();
            JsonNode m;
            while ((m = in.poll(20, TimeUnit.SECONDS)) != null) {
                if (m.path("type").asText().equals("input_audio_buffer.committed")) {
                    continue; // the commit's acknowledgement (an extension)
                }
                if (!m.path("type").asText().equals("response.audio_transcript.done")) {
                    throw new AssertionError("good client got " + m);
                }
                text.append(m.path("transcript").asText()).append(' ');
                if (m.path("end_ms").asLong() >= 10_500) {
                    break;
                }
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            return text.toString().strip();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
