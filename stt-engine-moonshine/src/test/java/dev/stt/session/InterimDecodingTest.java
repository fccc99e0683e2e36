package dev.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.TestData;
import dev.stt.eval.WordErrorRate;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.VadOptions;
import dev.stt.vad.SileroSpeechSegmenter;
import dev.stt.vad.SileroVad;
import dev.stt.vad.SpeechSegments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interim decoding in the session on the real VAD and Moonshine: decodes come as the utterance doubles,
 * each begins with what the earlier ones agreed and checks the last one as a draft, the final begins with
 * the agreed text too (so it costs a fraction of a plain decode), and a worker is kept free for a turn
 * that is about to close.
 */
class InterimDecodingTest {

    private static final int RATE = 16_000;
    private static SileroVad vad;
    private static SttEngine engine;
    private static ExecutorService audioPool;
    /** "He hoped there would be stew for dinner, ..." 10.4 s, one utterance. */
    private static float[] stew;
    private static String stewReference;

    @BeforeAll
    static void load() throws Exception {
        vad = SileroVad.open(ModelStore.fromEnvironment());
        engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(1).build());
        audioPool = Executors.newFixedThreadPool(2);
        stew = WavReader.read(TestData.speechDir().resolve("librispeech/1089-134686-0000.wav")).toMono16k();
        stewReference = dev.stt.eval.SpeechCorpus.load(TestData.speechDir()).stream()
                .filter(c -> c.wav().getFileName().toString().equals("1089-134686-0000.wav")).findFirst().orElseThrow().reference();
    }

    @AfterAll
    static void close() {
        audioPool.shutdownNow();
        engine.close();
        vad.close();
    }

    /** One engine call as the session made it, with the ONNX runs it cost (one worker: calls never overlap). */
    record Call(int samples, TranscribeOptions options, String text, long runs) {
    }

    static final class RecordingEngine implements SttEngine {
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            long before = LiveTensors.runs();
            Transcript t = engine.transcribe(samples, options);
            calls.add(new Call(samples.length, options, t.text(), LiveTensors.runs() - before));
            return t;
        }

        @Override
        public void close() {
        }
    }

    static final class Listener implements SessionListener {
        final List<String> interim = Collections.synchronizedList(new ArrayList<>());
        final List<String> settled = Collections.synchronizedList(new ArrayList<>());
        volatile int closedSegments;
        final List<SegmentResult> results = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void interim(long utteranceStartMs, String text, String settled) {
            interim.add(text);
            this.settled.add(settled);
        }

        @Override
        public void segmentClosed(ClosedSegment segment) {
            closedSegments++;
        }

        @Override
        public void transcribed(SegmentResult result) {
            results.add(result);
        }

        @Override
        public void failed(ClosedSegment segment, String reason) {
            throw new AssertionError("segment " + segment.id() + " failed: " + reason);
        }
    }

    @Test
    void interimDecodesContinueWhatEarlierOnesAgreedAndSoDoesTheFinal() throws Exception {
        RecordingEngine recording = new RecordingEngine();
        Listener listener = new Listener();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, recording, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS.withInterimIntervalMs(500), listener)) {
                // four times real time: each interim decode (tens of ms) ends before the next is due
                feed(s, stew, 25);
                feed(s, new float[RATE * 2], 0);
                awaitCondition(() -> listener.results.size() == 1);
            }
        }
        List<Call> calls = List.copyOf(recording.calls);
        Call last = calls.getLast();
        List<Call> interim = calls.subList(0, calls.size() - 1);
        String completed = listener.results.getFirst().transcript().text();
        assertEquals(completed, last.text());

        // due at 1, 1.75, 3, 6 s of the utterance, not every 500 ms (20 decodes)
        assertTrue(interim.size() >= 4 && interim.size() <= 6, interim.toString());
        long point = TranscriptionSession.INTERIM_POINTS_MS[0] * (long) RATE / 1000;
        for (int k = 0; k < interim.size() - 1; k++, point = TranscriptionSession.nextInterimPoint(point)) {
            // (the last may be the early decode, at the pause)
            assertTrue(interim.get(k).samples() >= point, "decode " + k + " before its point: " + interim);
            assertTrue(k == 0 || interim.get(k).samples() > interim.get(k - 1).samples(), interim.toString());
        }
        // each decode begins with what the ones before agreed, and checks one of them as its draft
        String agreed = "";
        for (Call c : interim) {
            String prefix = c.options().prefix() == null ? "" : c.options().prefix();
            assertTrue(prefix.startsWith(agreed.strip()), "prefixes only grow: '" + prefix + "' after '" + agreed + "'");
            assertTrue(c.text().startsWith(prefix), c.text() + " / " + prefix);
            if (c.options().draft() != null) {
                assertTrue(listener.interim.contains(c.options().draft()), "the draft is an earlier decode: " + c.options().draft());
            }
            agreed = prefix;
        }
        assertTrue(!agreed.isEmpty(), "a later interim decode began with agreed words: " + interim);
        assertNotNull(last.options().prefix(), "the final begins with the agreed words");
        assertTrue(completed.startsWith(last.options().prefix()), completed);

        // the agreed words and the checked draft cost one decoder run, not one a token
        long before = LiveTensors.runs();
        Transcript plain = engine.transcribe(stewSegment(), TranscribeOptions.DEFAULTS);
        long plainRuns = LiveTensors.runs() - before;
        assertTrue(last.runs() * 2 < plainRuns, "final: " + last.runs() + " ONNX runs, a plain decode " + plainRuns);
        // and the text is as good as a plain decode's
        double plainWer = WordErrorRate.score(stewReference, plain.text()).rate();
        double continuedWer = WordErrorRate.score(stewReference, completed).rate();
        assertTrue(continuedWer <= plainWer + 0.04, continuedWer + " against " + plainWer + ": " + completed + " / " + plain.text());
    }

    /** The segment the VAD cuts from the stew clip (as the session's final decodes it). */
    private static float[] stewSegment() {
        List<SpeechSegment> segments = SpeechSegments.detect(vad, stew, RATE, VadOptions.DEFAULTS);
        assertEquals(1, segments.size());
        return segments.getFirst().samples();
    }

    @Test
    void aTurnWhoseInterimDecodesFoundNoWorkerGetsItsTextSettledAtThePause() throws Exception {
        Listener listener = new Listener();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, engine, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS.withInterimIntervalMs(500), listener)) {
                inference.submit(() -> {
                    try {
                        release.await(60, TimeUnit.SECONDS); // other sessions' finals hold the only worker
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                feed(s, toSpeechEnd(stew), 0);
                feed(s, new float[RATE * 3 / 10], 0);
                awaitCondition(() -> inference.waiting() == 1);
                assertEquals(List.of(), listener.interim, "no worker: no interim decode ran");
                release.countDown();
                awaitCondition(() -> !listener.settled.isEmpty());
                assertEquals(0, listener.closedSegments, "settled within the pause, before the turn closed");
                String settled = listener.settled.getLast();
                assertTrue(settled.split(" ").length >= 10, "all but the last word of the pause's decode: '" + settled + "'");
                feed(s, new float[RATE * 2], 0);
                awaitCondition(() -> listener.results.size() == 1);
                String completed = listener.results.getFirst().transcript().text();
                assertTrue(completed.startsWith(settled.strip()), completed + " / " + settled);
            }
        }
    }

    @Test
    void aPauseWithNoDecodeUnderWayKeepsAWorkerFreeUntilItsTurnCloses() throws Exception {
        Listener listener = new Listener();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, engine, audioPool, inference, null, false); // no early decode
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS.withInterimIntervalMs(500), listener)) {
                assertEquals(0, inference.optionalKeepsFree(), "no pause: interim text may take either worker");
                feed(s, toSpeechEnd(stew), 0);
                feed(s, new float[RATE * 3 / 10], 0); // 300 ms: the pause is heard, the 500 ms window not over
                awaitCondition(() -> inference.turnsClosing() == 1);
                assertEquals(1, inference.optionalKeepsFree());
                feed(s, new float[RATE * 2], 0);
                awaitCondition(() -> listener.results.size() == 1);
                awaitCondition(() -> inference.turnsClosing() == 0);
                assertEquals(0, inference.optionalKeepsFree());
                // a session closed in a pause does not leave its count behind
                feed(s, toSpeechEnd(stew), 0);
                feed(s, new float[RATE * 3 / 10], 0);
                awaitCondition(() -> inference.turnsClosing() == 1);
            }
            awaitCondition(() -> inference.turnsClosing() == 0);
        }
    }

    @Test
    void aPauseWhoseEarlyDecodeRunsKeepsNothingFree() throws Exception {
        Listener listener = new Listener();
        RecordingEngine recording = new RecordingEngine();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, recording, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS, listener)) {
                feed(s, toSpeechEnd(stew), 0);
                feed(s, new float[RATE * 3 / 10], 0);
                awaitCondition(() -> !recording.calls.isEmpty()); // the early decode, which will answer the turn
                assertEquals(0, inference.turnsClosing());
                feed(s, new float[RATE * 2], 0);
                awaitCondition(() -> listener.results.size() == 1);
            }
        }
        assertEquals(1, recording.calls.size(), recording.calls.toString());
    }

    private static float[] toSpeechEnd(float[] clip) {
        List<SpeechSegment> segments = SpeechSegments.detect(vad, clip, RATE, VadOptions.DEFAULTS);
        long end = segments.getLast().endSample() - SileroSpeechSegmenter.TRAILING_PAD_MS * 16L;
        return Arrays.copyOf(clip, (int) end);
    }

    private static void feed(TranscriptionSession s, float[] x, long sleepMs) throws Exception {
        for (int at = 0; at < x.length; at += 1600) {
            assertTrue(s.append(Arrays.copyOfRange(x, at, Math.min(x.length, at + 1600)), RATE));
            if (sleepMs > 0) {
                Thread.sleep(sleepMs);
            }
        }
    }

    private static void awaitCondition(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(5);
        }
    }
}
