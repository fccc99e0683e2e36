package dev.stt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import dev.stt.moonshine.MoonshineEngine;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.graph.QuantizedLogits;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The floor under any Moonshine pipeline on ONNX Runtime Java: the time spent inside
 * {@code OrtSession.run} alone (encoder once, then the greedy merged-decoder steps, batch 1), with
 * tensor building and argmax left out of the clock. The gap between this and {@link EngineRtf} is our
 * pipeline's own overhead; the gap to the onnxruntime-node peer is the runtime binding's.
 *
 * <pre>java -cp ... dev.stt.bench.OrtFloor [--threads 2] [--rounds 3] [--speech DIR]</pre>
 */
public final class OrtFloor {

    private static final long START = 1;
    private static final long END = 2;

    private OrtFloor() {
    }

    /** Run-call time of one clip, split by session. */
    record Timing(double encoderMs, double decoderMs, int tokens) {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("threads", "rounds", "speech"), "OrtFloor [--threads N] [--rounds N] [--speech DIR]");
        int threads = a.positiveInt("threads", 2);
        int rounds = a.positiveInt("rounds", 3);
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        try (OrtSession encoder = OnnxSessions.open(dir.resolve("encoder_model.onnx"), Device.CPU, threads).session();
             // the decoder as the engine opens it (thread count, int8 logits), so the floor and the engine differ
             // only in the pipeline
             OrtSession decoder = QuantizedLogits.open(dir.resolve("decoder_model_merged.onnx"), Device.CPU,
                     Math.min(threads, MoonshineEngine.DECODER_THREADS)).session()) {
            run(encoder, decoder, clips.get(0).samples()); // warm-up
            double audio = 0;
            double wall = 0;
            double enc = 0;
            for (BenchClip clip : clips) {
                double[] e = new double[rounds];
                double[] d = new double[rounds];
                double[] t = new double[rounds];
                int tokens = 0;
                for (int r = 0; r < rounds; r++) {
                    Timing timing = run(encoder, decoder, clip.samples());
                    e[r] = timing.encoderMs();
                    d[r] = timing.decoderMs();
                    t[r] = timing.encoderMs() + timing.decoderMs();
                    tokens = timing.tokens();
                }
                audio += clip.seconds();
                wall += Stats.median(t) / 1000;
                enc += Stats.median(e) / 1000;
                System.out.printf(java.util.Locale.ROOT, "{\"file\":\"%s\",\"audio_s\":%.3f,\"encoder_ms\":%.1f,\"decoder_ms\":%.1f,\"total_ms\":%.1f,\"tokens\":%d}%n",
                        clip.file(), clip.seconds(), Stats.median(e), Stats.median(d), Stats.median(t), tokens);
            }
            System.out.printf(java.util.Locale.ROOT, "FLOOR encoder_s=%.3f decoder_s=%.3f%n", enc, wall - enc);
            System.out.println(new RunSummary("ort-java-floor", threads, clips.size(), audio, wall, Double.NaN).resultLine());
        }
    }

    /** Greedy decode with at most 6 tokens per second of audio (moonshine-js's rule); times run calls only. */
    static Timing run(OrtSession encoder, OrtSession decoder, float[] samples) throws OrtException {
        int maxTokens = (int) (samples.length / 16_000.0 * 6);
        try (LiveTensors scope = new LiveTensors()) {
            OnnxTensor audio = scope.floats(samples, 1, samples.length);
            long t0 = System.nanoTime();
            OrtSession.Result encoded = scope.run(encoder, Map.of("input_values", audio));
            double encoderMs = (System.nanoTime() - t0) / 1e6;
            OnnxTensor hidden = (OnnxTensor) encoded.get("last_hidden_state").orElseThrow();

            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("encoder_hidden_states", hidden);
            in.put("input_ids", scope.longs(new long[] {START}, 1, 1));
            in.put("use_cache_branch", scope.bool(false));
            OnnxTensor emptyPast = scope.floats(FloatBuffer.allocate(0), 1, 8, 0, 36);
            int layers = 0;
            while (decoder.getInputNames().contains("past_key_values." + layers + ".decoder.key")) {
                for (String part : new String[] {"decoder.key", "decoder.value", "encoder.key", "encoder.value"}) {
                    in.put("past_key_values." + layers + "." + part, emptyPast);
                }
                layers++;
            }
            OnnxTensor cacheTrue = scope.bool(true);
            double decoderMs = 0;
            OrtSession.Result first = null;
            OrtSession.Result previous = null;
            int tokens = 0;
            for (int step = 0; step < maxTokens; step++) {
                long s = System.nanoTime();
                OrtSession.Result out = scope.run(decoder, in);
                decoderMs += (System.nanoTime() - s) / 1e6;
                tokens++;
                long next = argmax(((OnnxTensor) out.get("logits").orElseThrow()).getFloatBuffer());
                if (previous != null && previous != first) {
                    scope.closeNow(previous);
                }
                if (first == null) {
                    first = out;
                }
                previous = out;
                if (next == END) {
                    break;
                }
                in.put("input_ids", scope.longs(new long[] {next}, 1, 1));
                in.put("use_cache_branch", cacheTrue);
                for (int n = 0; n < layers; n++) {
                    in.put("past_key_values." + n + ".decoder.key", tensor(out, "present." + n + ".decoder.key"));
                    in.put("past_key_values." + n + ".decoder.value", tensor(out, "present." + n + ".decoder.value"));
                    in.put("past_key_values." + n + ".encoder.key", tensor(first, "present." + n + ".encoder.key"));
                    in.put("past_key_values." + n + ".encoder.value", tensor(first, "present." + n + ".encoder.value"));
                }
            }
            return new Timing(encoderMs, decoderMs, tokens);
        }
    }

    private static OnnxTensor tensor(OrtSession.Result r, String name) {
        return (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("decoder has no output " + name));
    }

    private static long argmax(FloatBuffer logits) {
        int best = 0;
        for (int i = 1; i < logits.limit(); i++) {
            if (logits.get(i) > logits.get(best)) {
                best = i;
            }
        }
        return best;
    }
}
