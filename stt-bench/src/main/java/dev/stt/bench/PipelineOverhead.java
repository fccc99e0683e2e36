package dev.stt.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.protocol.Json;
import dev.stt.protocol.original.ClientMessage;
import dev.stt.protocol.original.OriginalProtocol;
import dev.stt.session.ClosedSegment;
import dev.stt.session.InferenceExecutor;
import dev.stt.session.Pipeline;
import dev.stt.session.SegmentResult;
import dev.stt.session.SessionConfig;
import dev.stt.session.SessionListener;
import dev.stt.session.TranscriptionSession;
import dev.stt.vad.SileroVad;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The whole streaming pipeline set against the ONNX Runtime time inside it, in one process and one run,
 * so machine noise hits both sides alike.
 *
 * <p>For each clip the client side, untimed, resamples it to {@code --rate} (24 kHz by default, the
 * OpenAI Realtime rate, so the resampler is on the path), cuts it into {@code --chunk-ms} original-protocol
 * {@code input_audio_buffer.append} messages (JSON, base64 PCM16), and ends with 1 s of silence and a
 * commit. Timed, from the first message to the last result: parsing each message as the server does
 * ({@link OriginalProtocol#parse}), the session (PCM decoding, resampling to 16 kHz, Silero VAD on every
 * 32 ms window, Moonshine on every closed segment), and encoding each result as the server sends it
 * (transcript plus the segment's audio in base64). The floor is the time spent inside
 * {@code OrtSession.run} in that interval ({@link LiveTensors#runNanos()}): the VAD windows, the encoder
 * and the decoder steps. Early decoding is off so that every segment is decoded exactly once.
 *
 * <pre>java -cp ... dev.stt.bench.PipelineOverhead [--threads 2] [--rounds 5] [--rate 24000] [--chunk-ms 100] [--speech DIR]</pre>
 */
public final class PipelineOverhead {

    private PipelineOverhead() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("threads", "rounds", "rate", "chunk-ms", "speech"),
                "PipelineOverhead [--threads N] [--rounds N] [--rate HZ] [--chunk-ms MS] [--speech DIR]");
        int threads = a.positiveInt("threads", 2);
        int rounds = a.positiveInt("rounds", 5);
        int rate = a.positiveInt("rate", 24_000);
        int chunkMs = a.positiveInt("chunk-ms", 100);
        TranscriptionSession.checkRate(rate);
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));

        ExecutorService audioPool = Executors.newSingleThreadExecutor();
        try (SttEngine engine = SttEngines.open(EngineConfig.builder("moonshine-tiny").intraThreads(threads).build());
             SileroVad vad = SileroVad.open(ModelStore.fromEnvironment());
             InferenceExecutor inference = new InferenceExecutor("bench-inference", 1, 16)) {
            Pipeline pipeline = new Pipeline(vad, engine, audioPool, inference, null, false);
            List<List<String>> messages = new ArrayList<>();
            for (BenchClip clip : clips) {
                messages.add(messages(clip.samples(), rate, chunkMs));
            }
            for (List<String> m : messages) {
                stream(pipeline, m); // warm-up
            }
            double wall = 0;
            double ort = 0;
            double audio = 0;
            for (int c = 0; c < clips.size(); c++) {
                double[] w = new double[rounds];
                double[] o = new double[rounds];
                Run run = null;
                for (int r = 0; r < rounds; r++) {
                    run = stream(pipeline, messages.get(c));
                    w[r] = run.wallMs();
                    o[r] = run.ortMs();
                }
                wall += Stats.median(w) / 1000;
                ort += Stats.median(o) / 1000;
                audio += clips.get(c).seconds();
                System.out.printf(Locale.ROOT, "{\"file\":\"%s\",\"audio_s\":%.3f,\"segments\":%d,\"result_kb\":%.0f,\"pipeline_ms\":%.1f,\"ort_run_ms\":%.1f,\"overhead\":%.3f}%n",
                        clips.get(c).file(), clips.get(c).seconds(), run.segments(), run.resultChars() / 1024.0, Stats.median(w), Stats.median(o),
                        Stats.median(w) / Stats.median(o));
            }
            System.out.printf(Locale.ROOT, "PIPELINE threads=%d rate=%d chunk_ms=%d clips=%d audio_s=%.2f pipeline_s=%.3f ort_run_s=%.3f overhead=%.3f%n",
                    threads, rate, chunkMs, clips.size(), audio, wall, ort, wall / ort);
        } finally {
            audioPool.shutdownNow();
        }
    }

    /** What a client of the original protocol sends for one clip: appends at {@code rate}, 1 s of silence, a commit. */
    static List<String> messages(float[] clip16k, int rate, int chunkMs) {
        float[] x = Resampler.resample(clip16k, 16_000, rate);
        float[] padded = java.util.Arrays.copyOf(x, x.length + rate);
        int chunk = rate * chunkMs / 1000;
        List<String> out = new ArrayList<>();
        for (int at = 0; at < padded.length; at += chunk) {
            ObjectNode o = Json.object();
            o.put("type", "input_audio_buffer.append");
            o.put("sample_rate", rate);
            o.put("audio", Base64.getEncoder().encodeToString(Pcm16.encode(padded, at, Math.min(chunk, padded.length - at))));
            out.add(Json.write(o));
        }
        out.add("{\"type\":\"input_audio_buffer.commit\"}");
        return out;
    }

    record Run(double wallMs, double ortMs, int segments, long resultChars) {
    }

    static Run stream(Pipeline pipeline, List<String> messages) throws Exception {
        Collector results = new Collector();
        long ort0 = LiveTensors.runNanos();
        long t0 = System.nanoTime();
        try (TranscriptionSession session = pipeline.open(SessionConfig.DEFAULTS, results)) {
            for (String text : messages) {
                switch (OriginalProtocol.parse(text)) {
                    case ClientMessage.Append append -> session.appendPcm16(append.pcm(), append.sampleRate());
                    case ClientMessage.Commit commit -> session.commit();
                    default -> throw new IllegalStateException("the bench sends appends and a commit only");
                }
            }
            if (!results.done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no answer for every segment within 120 s");
            }
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double ortMs = (LiveTensors.runNanos() - ort0) / 1e6;
        if (results.failures > 0) {
            throw new IllegalStateException(results.failures + " segments failed");
        }
        return new Run(wallMs, ortMs, results.answered, results.sentChars);
    }

    /** Encodes each result as the server would send it, and counts down once every committed segment is answered. */
    private static final class Collector implements SessionListener {
        final CountDownLatch done = new CountDownLatch(1);
        private long committed = -1;
        int answered;
        int failures;
        /** What the server would have sent back: the encoding is part of the timed work. */
        long sentChars;

        @Override
        public synchronized void committed(long lastSegmentId) {
            committed = lastSegmentId;
            check();
        }

        @Override
        public synchronized void transcribed(SegmentResult r) {
            ClosedSegment s = r.segment();
            sentChars += OriginalProtocol.transcriptDone(r.transcript().text(), Pcm16.encode(s.samples()), s.id(), s.startMs(), s.endMs()).length();
            answered++;
            check();
        }

        @Override
        public synchronized void failed(ClosedSegment segment, String reason) {
            failures++;
            answered++;
            check();
        }

        private void check() {
            if (committed >= 0 && answered >= committed) {
                done.countDown();
            }
        }
    }
}
