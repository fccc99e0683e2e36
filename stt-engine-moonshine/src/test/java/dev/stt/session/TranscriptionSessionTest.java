package dev.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.vad.SileroVad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session pipeline on the real Silero VAD and Moonshine: every closed segment gets exactly one
 * answer, in order, also when the engine throws or the queues are full.
 */
class TranscriptionSessionTest {

    private static SileroVad vad;
    private static SttEngine engine;
    private static ExecutorService audioPool;
    private static float[] jfkOpening;
    private static List<SpeechCorpus.Clip> clips;

    /** No VAD: each commit closes exactly one segment, so the tests count them exactly. */
    static final SessionConfig MANUAL = new SessionConfig(null, TranscribeOptions.DEFAULTS, 16, 30);

    @BeforeAll
    static void load() throws Exception {
        ModelStore store = ModelStore.fromEnvironment();
        vad = SileroVad.open(store);
        engine = SttEngines.open("moonshine-tiny");
        audioPool = Executors.newFixedThreadPool(2);
        clips = SpeechCorpus.load(TestData.speechDir());
        jfkOpening = Arrays.copyOf(WavReader.read(TestData.speechDir().resolve("jfk.wav")).toMono16k(), 16_000 * 7 / 2);
    }

    @AfterAll
    static void close() {
        audioPool.shutdownNow();
        engine.close();
        vad.close();
    }

    /** What a door would be told, in arrival order. */
    static final class Recorder implements SessionListener {
        final List<String> events = new ArrayList<>();
        final List<Long> closed = new ArrayList<>();
        final List<Long> answered = new ArrayList<>();
        final List<String> texts = new ArrayList<>();

        @Override
        public synchronized void segmentClosed(ClosedSegment segment) {
            closed.add(segment.id());
        }

        @Override
        public synchronized void transcribed(SegmentResult result) {
            answered.add(result.segment().id());
            texts.add(result.transcript().text());
            events.add(result.segment().id() + " ok " + result.transcript().text());
        }

        @Override
        public synchronized void failed(ClosedSegment segment, String reason) {
            answered.add(segment.id());
            events.add(segment.id() + " failed " + reason);
        }

        @Override
        public synchronized void rejected(String reason) {
            events.add("rejected " + reason);
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }
    }

    static void awaitIdle(TranscriptionSession s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (s.outstanding() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session still busy: " + s.outstanding());
            }
            Thread.sleep(5);
        }
    }

    /** An engine that holds each transcription until the test lets it go: a slow model under load. */
    static final class HeldEngine implements SttEngine {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            calls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return engine.transcribe(samples, options);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theSharedClipsJoinedGetOneResultPerClosedSegmentInOrder() throws Exception {
        long tensors = LiveTensors.live();
        Recorder r = new Recorder();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, engine, audioPool, inference);
            SessionConfig config = new SessionConfig(dev.stt.segment.VadOptions.DEFAULTS, TranscribeOptions.DEFAULTS, 64, 600);
            try (TranscriptionSession s = p.open(config, r)) {
                float[] silence = new float[16_000];
                for (SpeechCorpus.Clip c : clips) {
                    float[] x = WavReader.read(c.wav()).toMono16k();
                    for (int at = 0; at < x.length; at += 1600) {
                        assertTrue(s.append(Arrays.copyOfRange(x, at, Math.min(x.length, at + 1600)), 16_000));
                    }
                    s.append(silence, 16_000);
                }
                s.commit();
                awaitIdle(s);
            }
        }
        assertTrue(r.closed.size() >= clips.size(), "expected at least one segment per clip, got " + r.events());
        assertEquals(r.closed, r.answered, "one answer per closed segment, in order");
        for (int i = 0; i < r.closed.size(); i++) {
            assertEquals(i + 1, r.closed.get(i));
        }
        String all = TextNormalizer.normalize(String.join(" ", r.texts));
        assertTrue(all.contains("what your country can do for you"), all);
        assertEquals(tensors, LiveTensors.live(), "live ONNX values after the session closed");
    }

    @Test
    void aSegmentTheEngineFailsOnIsAnsweredAsFailedAndTheNextOneIsTranscribed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SttEngine failsFirst = new SttEngine() {
            @Override
            public String model() {
                return engine.model();
            }

            @Override
            public Transcript transcribe(float[] samples, TranscribeOptions options) {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("decoder ran out of memory");
                }
                return engine.transcribe(samples, options);
            }

            @Override
            public void close() {
            }
        };
        Recorder r = new Recorder();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 4)) {
            Pipeline p = new Pipeline(vad, failsFirst, audioPool, inference);
            try (TranscriptionSession s = p.open(MANUAL, r)) {
                s.append(jfkOpening, 16_000);
                s.commit();
                s.append(jfkOpening, 16_000);
                s.commit();
                awaitIdle(s);
            }
        }
        List<String> events = r.events();
        assertEquals(2, events.size(), events.toString());
        assertEquals("1 failed transcription failed: decoder ran out of memory", events.get(0));
        assertTrue(TextNormalizer.normalize(events.get(1)).contains("fellow americans"), events.get(1));
    }

    @Test
    void aFullInferenceQueueAnswersServerBusyAndLosesNoSegment() throws Exception {
        HeldEngine held = new HeldEngine();
        Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
        TranscriptionSession[] s = new TranscriptionSession[3];
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 1)) {
            Pipeline p = new Pipeline(vad, held, audioPool, inference);
            for (int i = 0; i < 3; i++) {
                s[i] = p.open(MANUAL, r[i]);
                s[i].append(jfkOpening, 16_000);
                s[i].commit();
                // one at a time, so the first runs, the second waits, the third finds the queue full
                switch (i) {
                    case 0 -> awaitCondition(() -> held.calls.get() == 1);
                    case 1 -> awaitCondition(() -> inference.queued() == 1);
                    default -> awaitCondition(() -> r[2].events().size() == 1);
                }
            }
            held.release.countDown();
            for (TranscriptionSession x : s) {
                awaitIdle(x);
                x.close();
            }
        }
        assertTrue(r[0].events().get(0).startsWith("1 ok "), r[0].events().toString());
        assertTrue(r[1].events().get(0).startsWith("1 ok "), r[1].events().toString());
        assertEquals(List.of("1 failed server busy: the inference queue is full"), r[2].events());
    }

    @Test
    void oneSessionOverItsPendingBoundIsToldTheServerIsBusyInTurn() throws Exception {
        HeldEngine held = new HeldEngine();
        Recorder r = new Recorder();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, held, audioPool, inference);
            SessionConfig oneWaiting = new SessionConfig(null, TranscribeOptions.DEFAULTS, 1, 30);
            try (TranscriptionSession s = p.open(oneWaiting, r)) {
                for (int i = 0; i < 3; i++) {
                    s.append(jfkOpening, 16_000);
                    s.commit();
                }
                awaitCondition(() -> r.closed.size() == 3);
                held.release.countDown();
                awaitIdle(s);
            }
        }
        List<String> events = r.events();
        assertEquals(3, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("1 ok "), events.toString());
        assertTrue(events.get(1).startsWith("2 ok "), events.toString());
        assertTrue(events.get(2).startsWith("3 failed server busy"), events.toString());
    }

    /** Moonshine, counting its calls and the audio length of each. */
    static final class CountingEngine implements SttEngine {
        final List<Integer> lengths = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            lengths.add(samples.length);
            return engine.transcribe(samples, options);
        }

        @Override
        public void close() {
        }
    }

    static float[] clip(String name) throws java.io.IOException {
        return WavReader.read(TestData.speechDir().resolve(name)).toMono16k();
    }

    /** The clip up to where the VAD hears its speech end, so that the silence the test adds is all the pause there is. */
    static float[] toSpeechEnd(float[] clip) {
        List<dev.stt.segment.SpeechSegment> segments = dev.stt.vad.SpeechSegments.detect(vad, clip, 16_000, dev.stt.segment.VadOptions.DEFAULTS);
        long end = segments.getLast().endSample() - dev.stt.vad.SileroSpeechSegmenter.TRAILING_PAD_MS * 16L;
        return Arrays.copyOf(clip, (int) end);
    }

    static void feed(TranscriptionSession s, float[] x) throws Exception {
        for (int at = 0; at < x.length; at += 1600) {
            assertTrue(s.append(Arrays.copyOfRange(x, at, Math.min(x.length, at + 1600)), 16_000));
        }
    }

    @Test
    void aPauseThatEndsTheUtteranceIsTranscribedOnceBeforeItsSegmentCloses() throws Exception {
        long used = TranscriptionSession.earlyDecodesUsed();
        CountingEngine counting = new CountingEngine();
        Recorder r = new Recorder();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, counting, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS, r)) {
                feed(s, toSpeechEnd(clip("librispeech/1089-134691-0000.wav"))); // "He could wait no longer."
                feed(s, new float[16_000 * 3 / 10]);
                // 300 ms of silence: short of the 500 ms window, past the 200 ms of trailing audio
                awaitCondition(() -> !counting.lengths.isEmpty());
                assertTrue(r.closed.isEmpty(), "the decode began while the segment was still open");
                feed(s, new float[16_000 * 2]);
                awaitCondition(() -> r.answered.size() == 1);
                awaitIdle(s);
            }
        }
        assertEquals(List.of(1L), r.closed);
        assertTrue(TextNormalizer.normalize(r.texts.get(0)).contains("he could wait no longer"), r.events().toString());
        assertEquals(1, counting.lengths.size(), "the early decode is the segment's only decode: " + counting.lengths);
        assertEquals(used + 1, TranscriptionSession.earlyDecodesUsed(), "counted as used");
    }

    @Test
    void speechThatComesBackAfterAPauseIsTranscribedWhole() throws Exception {
        long started = TranscriptionSession.earlyDecodesStarted();
        long used = TranscriptionSession.earlyDecodesUsed();
        CountingEngine counting = new CountingEngine();
        Recorder r = new Recorder();
        SessionConfig longPause = SessionConfig.DEFAULTS.withVad(dev.stt.segment.VadOptions.DEFAULTS.withSilenceDurationMs(1_200));
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, counting, audioPool, inference);
            try (TranscriptionSession s = p.open(longPause, r)) {
                feed(s, toSpeechEnd(clip("librispeech/1089-134691-0000.wav")));
                feed(s, new float[16_000 * 4 / 10]);
                awaitCondition(() -> !counting.lengths.isEmpty()); // decoding the first sentence alone
                feed(s, clip("librispeech/1089-134686-0001.wav")); // "Stuff it into you, his belly counselled him."
                feed(s, new float[16_000 * 2]);
                awaitCondition(() -> r.answered.size() == 1);
                awaitIdle(s);
            }
        }
        assertEquals(List.of(1L), r.closed, "one utterance: the pause was shorter than the silence window");
        String text = TextNormalizer.normalize(r.texts.get(0));
        assertTrue(text.contains("wait no longer") && text.contains("his belly"), "both sentences: " + text);
        assertEquals(2, counting.lengths.size(), "the early decode of the first sentence was dropped: " + counting.lengths);
        assertTrue(counting.lengths.get(0) < counting.lengths.get(1), counting.lengths.toString());
        // the second call is the early decode of the whole utterance at its final pause, or its decode at the close
        long startedNow = TranscriptionSession.earlyDecodesStarted() - started;
        assertEquals(startedNow - 1, TranscriptionSession.earlyDecodesUsed() - used, "the first early decode was dropped, any later one used");
    }

    @Test
    void aPauseThatFindsEveryWorkerBusyIsDecodedAsSoonAsOneFreesNotAtItsNextAudio() throws Exception {
        CountingEngine counting = new CountingEngine();
        Recorder r = new Recorder();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, counting, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS, r)) {
                inference.submit(() -> awaitQuietly(release)); // another session's final
                feed(s, toSpeechEnd(clip("librispeech/1089-134691-0000.wav")));
                feed(s, new float[16_000 * 3 / 10]);
                awaitCondition(() -> inference.waiting() == 1);
                assertEquals(List.of(), counting.lengths, "no idle worker: the pause's decode waits");
                release.countDown(); // no more audio: the worker that frees takes it
                awaitCondition(() -> !counting.lengths.isEmpty());
                assertTrue(r.closed.isEmpty(), "decoded within the pause");
                feed(s, new float[16_000 * 2]);
                awaitCondition(() -> r.answered.size() == 1);
                awaitIdle(s);
            }
        }
        assertEquals(1, counting.lengths.size(), "the early decode answered the segment: " + counting.lengths);
        assertTrue(TextNormalizer.normalize(r.texts.get(0)).contains("he could wait no longer"), r.events().toString());
    }

    @Test
    void aPauseNoWorkerCameForIsTranscribedAtItsCloseAndItsWaitIsForgotten() throws Exception {
        CountingEngine counting = new CountingEngine();
        Recorder r = new Recorder();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 1, 16)) {
            Pipeline p = new Pipeline(vad, counting, audioPool, inference);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS, r)) {
                inference.submit(() -> awaitQuietly(release));
                feed(s, toSpeechEnd(clip("librispeech/1089-134691-0000.wav")));
                feed(s, new float[16_000 * 2]);
                awaitCondition(() -> r.closed.size() == 1);
                assertEquals(0, inference.waiting(), "the segment closed: its early decode no longer waits");
                release.countDown();
                awaitCondition(() -> r.answered.size() == 1);
                awaitIdle(s);
            }
        }
        assertEquals(1, counting.lengths.size(), "decoded once, as a final: " + counting.lengths);
        assertTrue(TextNormalizer.normalize(r.texts.get(0)).contains("he could wait no longer"), r.events().toString());
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void withoutEarlyDecodingTheSegmentIsTranscribedOnlyOnceClosed() throws Exception {
        CountingEngine counting = new CountingEngine();
        Recorder r = new Recorder();
        try (InferenceExecutor inference = new InferenceExecutor("test-inference", 2, 16)) {
            Pipeline p = new Pipeline(vad, counting, audioPool, inference, null, false);
            try (TranscriptionSession s = p.open(SessionConfig.DEFAULTS, r)) {
                feed(s, toSpeechEnd(clip("librispeech/1089-134691-0000.wav")));
                feed(s, new float[16_000 * 3 / 10]);
                awaitIdle(s);
                assertEquals(List.of(), counting.lengths, "nothing decoded while the segment is open");
                feed(s, new float[16_000 * 2]);
                awaitCondition(() -> r.answered.size() == 1);
                awaitIdle(s);
            }
        }
        assertEquals(1, counting.lengths.size());
        assertTrue(TextNormalizer.normalize(r.texts.get(0)).contains("he could wait no longer"), r.events().toString());
    }

    static void awaitCondition(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(5);
        }
    }
}
