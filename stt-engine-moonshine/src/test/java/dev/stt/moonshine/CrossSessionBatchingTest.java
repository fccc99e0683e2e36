package dev.stt.moonshine;

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
import dev.stt.segment.VadOptions;
import dev.stt.session.ClosedSegment;
import dev.stt.session.InferenceExecutor;
import dev.stt.session.Pipeline;
import dev.stt.session.SegmentBatcher;
import dev.stt.session.SegmentResult;
import dev.stt.session.SessionConfig;
import dev.stt.session.SessionListener;
import dev.stt.session.TranscriptionSession;
import dev.stt.vad.SileroVad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cross-session batching on the CPU with the real engine and VAD: order, fairness, same results. */
class CrossSessionBatchingTest {

    /** The real engine, recording how many segments each engine call carried. */
    static final class BatchSizes implements SttEngine {
        final SttEngine engine;
        final List<Integer> sizes = new CopyOnWriteArrayList<>();

        BatchSizes(SttEngine engine) {
            this.engine = engine;
        }

        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            sizes.add(1);
            return engine.transcribe(samples, options);
        }

        @Override
        public List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
            sizes.add(segments.size());
            return engine.transcribeBatch(segments, options);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    static final class Collected implements SessionListener {
        final List<SegmentResult> results = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        volatile long lastAnswerNanos;

        @Override
        public void segmentClosed(ClosedSegment segment) {
            closed.incrementAndGet();
        }

        @Override
        public void transcribed(SegmentResult result) {
            results.add(result);
            lastAnswerNanos = System.nanoTime();
        }

        @Override
        public void failed(ClosedSegment segment, String reason) {
            failed.incrementAndGet();
            lastAnswerNanos = System.nanoTime();
        }
    }

    @Test
    void segmentsOfManySessionsShareEngineCallsKeepTheirOrderAndMatchUnbatchedResults() throws Exception {
        List<SpeechCorpus.Clip> clips = SpeechCorpus.load(TestData.speechDir());
        List<float[]> audio = new ArrayList<>();
        for (SpeechCorpus.Clip c : clips) {
            audio.add(WavReader.read(c.wav()).toMono16k());
        }
        VadOptions sentences = VadOptions.DEFAULTS.withSilenceDurationMs(1_100);
        ExecutorService audioPool = Executors.newFixedThreadPool(2);
        try (BatchSizes engine = new BatchSizes(SttEngines.open("moonshine-tiny"));
             SileroVad vad = SileroVad.open(ModelStore.fromEnvironment());
             InferenceExecutor workers = new InferenceExecutor("test-inference", 2, 64);
             SegmentBatcher batcher = new SegmentBatcher(engine, workers, Duration.ofMillis(100), 8, 64)) {
            List<String> unbatched = new ArrayList<>();
            for (float[] a : audio) {
                unbatched.add(TextNormalizer.normalize(engine.engine.transcribe(a).text()));
            }
            Pipeline pipeline = new Pipeline(vad, engine, audioPool, workers, batcher);
            // the flooding session hands over 90 s of audio at once: let it all wait for the VAD
            SessionConfig config = new SessionConfig(sentences, TranscribeOptions.DEFAULTS, 16, 300);

            // one flooding session: every clip, one after another with 2 s pauses
            Collected flood = new Collected();
            TranscriptionSession flooding = pipeline.open(config, flood);
            for (float[] a : audio) {
                flooding.append(a, 16_000);
                flooding.append(new float[32_000], 16_000);
            }
            flooding.commit();
            // and six light sessions, one clip each, arriving at the same moment
            List<Collected> light = new ArrayList<>();
            List<TranscriptionSession> sessions = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                Collected c = new Collected();
                TranscriptionSession s = pipeline.open(config, c);
                s.append(audio.get(i), 16_000);
                s.commit();
                light.add(c);
                sessions.add(s);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < deadline
                    && (flooding.outstanding() > 0 || sessions.stream().anyMatch(s -> s.outstanding() > 0))) {
                Thread.sleep(20);
            }

            assertEquals(flood.closed.get(), flood.results.size() + flood.failed.get(), "every flooding segment answered once");
            assertEquals(0, flood.failed.get());
            for (int i = 0; i < flood.results.size(); i++) {
                assertEquals(i + 1, flood.results.get(i).segment().id(), "flooding session's results in order");
                assertSameWords(unbatched.get(i), flood.results.get(i).transcript().text(), "flooding segment " + (i + 1));
            }
            assertEquals(audio.size(), flood.results.size(), "one segment per clip in the flooding session");
            for (int i = 0; i < light.size(); i++) {
                Collected c = light.get(i);
                assertEquals(1, c.results.size(), "light session " + i + " got " + c.results.size() + " results");
                assertSameWords(unbatched.get(i + 1), c.results.get(0).transcript().text(), "light session " + i);
                assertTrue(c.lastAnswerNanos < flood.lastAnswerNanos,
                        "light session " + i + " waited until the flooding session was done: starved");
            }
            assertTrue(engine.sizes.stream().anyMatch(n -> n > 1), "no engine call carried more than one segment: " + engine.sizes);
            flooding.close();
            sessions.forEach(TranscriptionSession::close);
        } finally {
            audioPool.shutdownNow();
        }
    }

    /**
     * A batched segment says what it says alone, give or take a near tie: it is padded to its batch's longest
     * (at most 1.2x its length), and the int8 export quantizes each activation with one scale over the whole
     * batch (DynamicQuantizeLinear), so its numbers depend a little on its batch-mates. Seen on an AVX2 machine:
     * "flour fattened sauce" alone, "flour fat and sauce" in a batch.
     */
    private static void assertSameWords(String unbatched, String batched, String what) {
        int errors = dev.stt.eval.WordErrorRate.score(unbatched, TextNormalizer.normalize(batched)).errors();
        assertTrue(errors <= 2, what + " differs from its unbatched transcript by " + errors + " words: '" + batched + "' / '" + unbatched + "'");
    }
}
