package dev.stt.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.WordErrorRate;
import dev.stt.onnx.LiveTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real server with real models, driven over real sockets with the original protocol. */
class OriginalProtocolEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(OriginalProtocolEndToEndTest.class);
    private static SttServer server;
    private static String url;
    private static List<SpeechCorpus.Clip> clips;
    private static List<float[]> audio;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2);
        server = new SttServer(c, SttServer.defaultLoader(c)).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        url = "ws://127.0.0.1:" + server.port() + "/";
        clips = SpeechCorpus.load(SpeechCorpus.sharedSpeechDir());
        audio = new ArrayList<>();
        for (SpeechCorpus.Clip clip : clips) {
            audio.add(WavReader.read(clip.wav()).toMono16k());
        }
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    /** Streams one clip in 100 ms chunks, commits, and returns the transcripts in order of arrival. */
    static List<JsonNode> streamClip(String url, float[] samples) throws Exception {
        try (WsTestClient client = new WsTestClient(url)) {
            client.stream(samples, 16_000, 100);
            client.commit();
            JsonNode first = client.next(120);
            awaitIdle();
            List<JsonNode> out = new ArrayList<>();
            List<JsonNode> all = new ArrayList<>(List.of(first));
            all.addAll(client.drain(300));
            for (JsonNode m : all) {
                assertEquals("response.audio_transcript.done", m.path("type").asText(), "unexpected message " + m);
                out.add(m);
            }
            return out;
        }
    }

    static String joined(List<JsonNode> results) {
        return String.join(" ", results.stream().map(m -> m.path("transcript").asText()).toList());
    }

    @Test
    void streamedClipsScoreWithinOnePointOfOfflineTranscription() throws Exception {
        SttEngine engine = server.models().pipeline().engine();
        WordErrorRate.Score streamed = new WordErrorRate.Score(0, 0);
        WordErrorRate.Score offline = new WordErrorRate.Score(0, 0);
        for (int i = 0; i < clips.size(); i++) {
            List<JsonNode> results = streamClip(url, audio.get(i));
            assertTrue(!results.isEmpty(), clips.get(i).name() + " gave no transcript");
            long last = 0;
            for (JsonNode r : results) {
                assertTrue(r.path("segment_id").asLong() > last, "segments out of order in " + clips.get(i).name());
                last = r.path("segment_id").asLong();
                assertEquals(16_000, r.path("sample_rate").asInt());
                assertTrue(r.path("audio").asText().length() > 0, "segment audio echoed");
            }
            String text = joined(results);
            streamed = streamed.plus(WordErrorRate.score(clips.get(i).reference(), text));
            offline = offline.plus(WordErrorRate.score(clips.get(i).reference(), engine.transcribe(audio.get(i)).text()));
            log.info("{}: {}", clips.get(i).name(), text);
        }
        log.info("WER streamed {} offline {}", streamed.rate(), offline.rate());
        assertTrue(streamed.rate() <= offline.rate() + 0.01,
                "streamed WER " + streamed.rate() + " vs offline " + offline.rate());
    }

    @Test
    void eightSessionsAtOnceAllGetTheirOwnTranscriptsInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<JsonNode>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] samples = audio.get(i % audio.size());
                futures.add(pool.submit(() -> streamClip(url, samples)));
            }
            for (int i = 0; i < 8; i++) {
                List<JsonNode> results = futures.get(i).get(120, TimeUnit.SECONDS);
                long last = 0;
                for (JsonNode r : results) {
                    assertTrue(r.path("segment_id").asLong() > last, "session " + i + " got segments out of order");
                    last = r.path("segment_id").asLong();
                }
                double wer = WordErrorRate.rate(clips.get(i % clips.size()).reference(), joined(results));
                assertTrue(wer < 0.25, "session " + i + " (" + clips.get(i % clips.size()).name() + ") got '" + joined(results) + "'");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatVanishesMidSegmentLeavesNothingBehind() throws Exception {
        streamClip(url, audio.get(0)); // warm: every lazily created native value exists
        awaitIdle();
        long tensors = LiveTensors.live();
        for (int i = 0; i < 5; i++) {
            WsTestClient client = new WsTestClient(url);
            float[] a = audio.get(i);
            client.stream(java.util.Arrays.copyOf(a, a.length / 2), 16_000, 100);
            client.ws.abort(); // no close handshake: the TCP connection just goes
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
        while (System.nanoTime() < deadline && (!server.idle() || server.inference().active() > 0)) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
    }
}
