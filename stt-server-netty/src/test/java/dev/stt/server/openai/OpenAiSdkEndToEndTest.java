package dev.stt.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.G711;
import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.WordErrorRate;
import dev.stt.onnx.LiveTensors;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server, real models, driven by the official {@code openai} npm SDK: Realtime transcription
 * sessions (pcm16 at 24 kHz and G.711 µ-law, GA and beta dialects, server VAD and manual commits) and
 * {@code audio.transcriptions.create} in every response format.
 */
class OpenAiSdkEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(OpenAiSdkEndToEndTest.class);
    private static SttServer server;
    private static String baseUrl;
    private static SpeechCorpus.Clip jfk;
    private static SpeechCorpus.Clip libri;

    @BeforeAll
    static void start() throws Exception {
        NodeHarness.requireNode();
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2);
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        baseUrl = "http://127.0.0.1:" + server.port() + "/v1";
        List<SpeechCorpus.Clip> clips = SpeechCorpus.load(TestData.speechDir());
        jfk = clips.stream().filter(x -> x.name().contains("jfk")).findFirst().orElseThrow();
        libri = clips.stream().filter(x -> x.name().contains("1089-134686-0000")).findFirst().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    private static JsonNode realtime(SpeechCorpus.Clip clip, String format, String dialect, String turn) throws Exception {
        return realtime(clip, format, dialect, turn, "fast");
    }

    private static JsonNode realtime(SpeechCorpus.Clip clip, String format, String dialect, String turn, String pace) throws Exception {
        JsonNode out = NodeHarness.run(Map.of(), "realtime.mjs", baseUrl, clip.wav().toString(), format, dialect, turn, pace);
        assertFalse(out.has("connectError"), "connect failed: " + out);
        assertEquals(0, out.get("errors").size(), "SDK reported errors: " + out.get("errors"));
        return out;
    }

    /** Every item's deltas concatenate to its completed transcript; the items chain; ids are unique. */
    private static String checkItems(JsonNode out) {
        JsonNode items = out.get("items");
        assertTrue(items.size() > 0, "no committed items: " + out.get("events"));
        String previous = null;
        List<String> texts = new ArrayList<>();
        for (JsonNode item : items) {
            assertTrue(item.hasNonNull("completed"), "item without completed transcript: " + item);
            assertEquals(item.get("completed").asText(), item.get("deltas").asText(),
                    "deltas must concatenate to the completed transcript");
            assertEquals(previous, item.get("previous_item_id").isNull() ? null : item.get("previous_item_id").asText());
            previous = item.get("item_id").asText();
            texts.add(item.get("completed").asText());
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode e : out.get("events")) {
            String id = e.path("event_id").asText();
            assertTrue(id.startsWith("event_"), "event without event_id: " + e);
            assertTrue(ids.add(id), "duplicate event_id " + id);
        }
        return String.join(" ", texts);
    }

    private static List<String> types(JsonNode out) {
        List<String> t = new ArrayList<>();
        out.get("events").forEach(e -> t.add(e.get("type").asText()));
        return t;
    }

    @Test
    void gaSessionOverPcm16At24kHzTranscribesTheClip() throws Exception {
        JsonNode out = realtime(jfk, "pcm16", "ga", "server_vad");
        List<String> types = types(out);
        assertEquals("session.created", types.get(0));
        assertTrue(types.contains("session.updated"), types.toString());
        assertTrue(types.contains("input_audio_buffer.speech_started"), types.toString());
        String text = checkItems(out);
        double wer = WordErrorRate.rate(jfk.reference(), text);
        log.info("pcm16 GA: '{}' WER {}", text, wer);
        assertTrue(wer < 0.15, "WER " + wer + " for '" + text + "'");
        for (JsonNode e : out.get("events")) {
            if (e.get("type").asText().equals("input_audio_buffer.speech_started")) {
                assertTrue(e.get("audio_start_ms").asLong() >= 0 && e.get("item_id").asText().startsWith("item_"), e.toString());
            }
        }
    }

    @Test
    void betaSessionOverMuLawTranscribesTheClip() throws Exception {
        JsonNode out = realtime(libri, "pcmu", "beta", "server_vad");
        List<String> types = types(out);
        assertEquals("session.created", types.get(0), "an SDK client without OpenAI-Beta header is greeted in GA");
        assertTrue(types.contains("transcription_session.updated"), types.toString());
        String text = checkItems(out);
        double wer = WordErrorRate.rate(libri.reference(), text);
        log.info("µ-law beta: '{}' WER {}", text, wer);
        assertTrue(wer < 0.25, "WER " + wer + " for '" + text + "'");
    }

    @Test
    void manualCommitWithoutTurnDetectionGivesOneItemAndNoSpeechEvents() throws Exception {
        JsonNode out = realtime(jfk, "pcm16", "ga", "manual");
        List<String> types = types(out);
        assertFalse(types.contains("input_audio_buffer.speech_started"), types.toString());
        assertEquals(1, out.get("items").size(), types.toString());
        String text = checkItems(out);
        assertTrue(WordErrorRate.rate(jfk.reference(), text) < 0.15, text);
    }

    @Test
    void interimDeltasArriveWhileSpeechIsStillOpen() throws Exception {
        // at a microphone's pace, as interim text is meant for
        JsonNode out = realtime(jfk, "pcm16", "ga", "server_vad", "realtime");
        Set<String> committed = new HashSet<>();
        int interim = 0;
        for (JsonNode e : out.get("events")) {
            String type = e.get("type").asText();
            if (type.equals("input_audio_buffer.committed")) {
                committed.add(e.get("item_id").asText());
            } else if (type.endsWith("transcription.delta") && !committed.contains(e.get("item_id").asText())) {
                interim++;
            }
        }
        log.info("interim deltas (before their item was committed): {}; events {}", interim, types(out));
        assertTrue(interim >= 1, "expected interim deltas while speech was open: " + types(out));
        checkItems(out);
    }

    @Test
    void transcriptionsCreateAnswersEveryResponseFormat() throws Exception {
        JsonNode out = NodeHarness.run(Map.of(), "transcriptions.mjs", baseUrl, jfk.wav().toString());
        assertEquals(server.config().model(), out.at("/models/0/id").asText(), out.get("models").toString());
        JsonNode r = out.get("results");
        for (String f : List.of("json", "text", "srt", "vtt", "verbose_json")) {
            assertFalse(r.get(f).has("sdkError"), f + ": " + r.get(f));
        }
        String text = r.at("/json/text").asText();
        assertTrue(WordErrorRate.rate(jfk.reference(), text) < 0.15, text);
        assertEquals(text, r.get("text").asText().strip());
        assertTrue(Pattern.compile("^1\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n\\S", Pattern.MULTILINE)
                .matcher(r.get("srt").asText()).find(), r.get("srt").asText());
        assertTrue(r.get("vtt").asText().startsWith("WEBVTT\n\n"), r.get("vtt").asText());
        assertTrue(Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} --> ").matcher(r.get("vtt").asText()).find());
        JsonNode v = r.get("verbose_json");
        assertEquals(text, v.get("text").asText());
        assertEquals("english", v.get("language").asText());
        assertEquals(11.0, v.get("duration").asDouble(), 0.01);
        assertTrue(v.get("segments").size() >= 1);
        assertTrue(v.at("/segments/0/end").asDouble() > v.at("/segments/0/start").asDouble());
    }

    @Test
    void aLawSessionWithManualCommitsKeepsTheHundredMillisecondRule() throws Exception {
        float[] at8k = Resampler.resample(WavReader.read(libri.wav()).toMono16k(), 16_000, 8_000);
        byte[] alaw = G711.encodeALaw(at8k);
        String ws = "ws://127.0.0.1:" + server.port() + "/v1/realtime?intent=transcription";
        try (RealtimeTestClient c = new RealtimeTestClient(ws, Map.of("OpenAI-Beta", "realtime=v1"))) {
            assertEquals("transcription_session.created", c.next().get("type").asText());
            c.send("{\"type\":\"transcription_session.update\",\"session\":{\"input_audio_format\":\"g711_alaw\",\"turn_detection\":null}}");
            assertEquals("g711_alaw", c.next("transcription_session.updated").at("/session/input_audio_format").asText());
            c.send(append(Arrays.copyOf(alaw, 400))); // 50 ms
            c.send("{\"type\":\"input_audio_buffer.commit\",\"event_id\":\"short\"}");
            JsonNode err = c.next("error").get("error");
            assertEquals("input_audio_buffer_commit_empty", err.get("code").asText(), err.toString());
            assertEquals("short", err.get("event_id").asText());
            c.send("{\"type\":\"input_audio_buffer.clear\"}");
            c.next("input_audio_buffer.cleared");
            for (int at = 0; at < alaw.length; at += 800) {
                c.send(append(Arrays.copyOfRange(alaw, at, Math.min(alaw.length, at + 800))));
            }
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            JsonNode committed = c.next("input_audio_buffer.committed");
            assertTrue(committed.get("previous_item_id").isNull(), committed.toString());
            String item = committed.get("item_id").asText();
            StringBuilder deltas = new StringBuilder();
            JsonNode done;
            while (true) {
                JsonNode e = c.next();
                String type = e.get("type").asText();
                if (type.endsWith("transcription.delta")) {
                    assertEquals(item, e.get("item_id").asText());
                    deltas.append(e.get("delta").asText());
                } else if (type.endsWith("transcription.completed")) {
                    done = e;
                    break;
                } else {
                    assertFalse(type.equals("error") || type.endsWith("failed"), e.toString());
                }
            }
            assertEquals(item, done.get("item_id").asText());
            assertEquals(done.get("transcript").asText(), deltas.toString());
            double wer = WordErrorRate.rate(libri.reference(), done.get("transcript").asText());
            assertTrue(wer < 0.25, "A-law WER " + wer + ": " + done.get("transcript").asText());
        }
    }

    @Test
    void realtimeClientsThatVanishMidSpeechLeaveNoSessionsOrTensorsBehind() throws Exception {
        byte[] pcm24k = Pcm16.encode(Resampler.resample(WavReader.read(jfk.wav()).toMono16k(), 16_000, 24_000));
        String ws = "ws://127.0.0.1:" + server.port() + "/v1/realtime?intent=transcription";
        try (RealtimeTestClient warm = new RealtimeTestClient(ws, Map.of())) {
            warm.send(append(Arrays.copyOf(pcm24k, 48_000 * 3)));
            warm.send("{\"type\":\"input_audio_buffer.commit\"}");
            warm.next("conversation.item.input_audio_transcription.completed");
        }
        awaitIdle();
        long tensors = LiveTensors.live();
        for (int i = 0; i < 4; i++) {
            RealtimeTestClient c = new RealtimeTestClient(ws, Map.of());
            for (int at = 0; at < pcm24k.length / 2; at += 4800) {
                c.send(append(Arrays.copyOfRange(pcm24k, at, at + 4800)));
            }
            c.abort(); // no close handshake, speech still open, interim decodes possibly running
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.openSessions() > 0) {
            Thread.sleep(20);
        }
        awaitIdle();
        assertEquals(0, server.openSessions(), "sessions still open");
        assertEquals(tensors, LiveTensors.live(), "ONNX values still alive");
    }

    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && (!server.idle() || server.inference().active() > 0 || server.inference().queued() > 0)) {
            Thread.sleep(20);
        }
    }

    @Test
    void oneAppendOfFortyFourSecondsIsTakenWholeAndTranscribed() throws Exception {
        float[] clip = WavReader.read(jfk.wav()).toMono16k();
        float[] four = new float[clip.length * 4];
        for (int k = 0; k < 4; k++) {
            System.arraycopy(clip, 0, four, k * clip.length, clip.length);
        }
        byte[] pcm24k = Pcm16.encode(Resampler.resample(four, 16_000, 24_000));
        String ws = "ws://127.0.0.1:" + server.port() + "/v1/realtime?intent=transcription";
        try (RealtimeTestClient c = new RealtimeTestClient(ws, Map.of())) {
            c.send(append(pcm24k)); // 2.1 MB, beyond the session's 30 s of buffered audio if taken at once
            c.send("{\"type\":\"input_audio_buffer.commit\"}");
            int committed = 0;
            List<String> texts = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (System.nanoTime() < deadline) {
                JsonNode e = c.next();
                String type = e.get("type").asText();
                assertFalse(type.equals("error") || type.endsWith("failed"), e.toString());
                if (type.equals("input_audio_buffer.committed")) {
                    committed++;
                } else if (type.endsWith("transcription.completed")) {
                    texts.add(e.get("transcript").asText());
                    if (texts.size() == committed && String.join(" ", texts).length() > 300) {
                        break;
                    }
                }
            }
            String text = String.join(" ", texts);
            String reference = String.join(" ", java.util.Collections.nCopies(4, jfk.reference()));
            assertTrue(WordErrorRate.rate(reference, text) < 0.15, text);
        }
    }

    private static String append(byte[] audio) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(audio) + "\"}";
    }

    static Path harness() {
        return NodeHarness.DIR;
    }
}
