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
 * Interim decoding in the session on the real VAD and Moonshine: provisional decodes come as the utterance
 * doubles, each begins with what the earlier ones settled and checks the last one as a draft, the final
 * begins with the settled text too (so it costs a fraction of a plain decode), decodes due while every worker
 * is busy wait for a spare one or are cancelled, and a worker is kept free for a turn that is about to close.
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
        public boolean decodesProvisionally() {
            return engine.decodesProvisionally();
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

        // due at 1.5, 3, 6 s of the utterance, not every 500 ms (20 decodes), then the pause's
        assertTrue(interim.size() >= 3 && interim.size() <= 5, interim.toString());
        for (Call c : interim.subList(0, interim.size() - 1)) {
            // provisional: a token budget for the audio the decode before did not hear
            assertTrue(c.options().provisionalTokens() >= TranscriptionSession.MIN_PROVISIONAL_TOKENS, c.toString());
        }
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
                // all audio taken; what still counts is the pause's decode, the one thing waiting (the interim
                // decode that waited for a worker was cancelled when the pause began)
                awaitCondition(() -> pauseDecodeWaitsAlone(s, inference));
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
    void anInterimDecodeDueWhileEveryWorkerIsBusyWaitsForOneAndIsCancelledIfTheTurnPausesFirst() throws Exception {
        RecordingEngine recording = new RecordingEngine();
        Listener listener = new Listener();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, recording, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS.withInterimIntervalMs(500), listener)) {
                java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
                inference.submit(() -> await(first)); // another session's final holds the only worker
                feed(s, Arrays.copyOf(stew, RATE * 2), 0);
                awaitCondition(() -> s.outstanding() == 0 && inference.waiting() == 1);
                assertEquals(List.of(), listener.interim, "due at 1.5 s, it waits: the worker is busy");
                first.countDown();
                awaitCondition(() -> !listener.interim.isEmpty());
                assertEquals(0, listener.closedSegments, "it ran once the worker came free, within the turn");
                assertTrue(recording.calls.getFirst().options().provisionalTokens() > 0, recording.calls.toString());

                java.util.concurrent.CountDownLatch second = new java.util.concurrent.CountDownLatch(1);
                awaitCondition(inference::hasIdleWorker);
                inference.submit(() -> await(second));
                long skipped = TranscriptionSession.interimDecodes("skipped");
                float[] rest = Arrays.copyOfRange(toSpeechEnd(stew), RATE * 2, toSpeechEnd(stew).length);
                feed(s, Arrays.copyOf(rest, RATE * 13 / 10), 0); // to 3.3 s: a decode due waits
                awaitCondition(() -> s.outstanding() == 0 && inference.waiting() == 1);
                feed(s, Arrays.copyOfRange(rest, RATE * 13 / 10, rest.length), 0);
                feed(s, new float[RATE * 3 / 10], 0); // the pause: its own decode takes over
                // all audio taken; what waits (and counts as outstanding) is the pause's decode alone
                awaitCondition(() -> pauseDecodeWaitsAlone(s, inference));
                assertTrue(TranscriptionSession.interimDecodes("skipped") > skipped, "the waiting interim decode was cancelled");
                int callsBefore = recording.calls.size();
                second.countDown();
                feed(s, new float[RATE * 2], 0);
                awaitCondition(() -> listener.results.size() == 1);
                List<Call> after = List.copyOf(recording.calls).subList(callsBefore, recording.calls.size());
                assertTrue(after.stream().noneMatch(c -> c.options().provisionalTokens() > 0),
                        "the interim decode cancelled at the pause never ran: " + after);
            }
        }
    }

    /** A decode that waited and was replaced by a fresher one heard nothing: its successor's budget counts from the last that ran. */
    @Test
    void aReplacedWaitingDecodeDoesNotShrinkTheBudgetOfTheOneThatRuns() throws Exception {
        RecordingEngine recording = new RecordingEngine();
        Listener listener = new Listener();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, recording, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS.withInterimIntervalMs(500), listener)) {
                feed(s, Arrays.copyOf(stew, RATE * 13 / 10), 0);
                awaitCondition(() -> recording.calls.size() == 1); // the decode due at 1 s, on an idle worker
                java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
                awaitCondition(inference::hasIdleWorker);
                inference.submit(() -> await(busy));
                // 3 s more while the worker is busy: the decode due waits, and is replaced each second
                feed(s, Arrays.copyOfRange(stew, RATE * 13 / 10, RATE * 43 / 10), 0);
                awaitCondition(() -> s.outstanding() == 0 && inference.waiting() == 1);
                busy.countDown();
                awaitCondition(() -> recording.calls.size() == 2);
            }
        }
        Call first = recording.calls.get(0);
        Call second = recording.calls.get(1);
        assertTrue(second.samples() - first.samples() >= RATE * 2, "the one that ran heard the newest audio: " + recording.calls);
        assertEquals(TranscriptionSession.provisionalTokens(second.samples() - first.samples()), second.options().provisionalTokens(),
                "budgeted for all it heard past the decode before: " + recording.calls);
    }

    /**
     * All audio taken, and what the session still waits on is its pause's decode alone: the one outstanding
     * task, the only work waiting, in the lane before interim text (which then keeps every worker free).
     */
    private static boolean pauseDecodeWaitsAlone(TranscriptionSession s, InferenceExecutor inference) {
        return s.outstanding() == 1 && inference.waiting() == 1 && inference.optionalKeepsFree() == inference.workers();
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
