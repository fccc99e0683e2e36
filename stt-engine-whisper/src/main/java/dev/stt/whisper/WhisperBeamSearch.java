package dev.stt.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.decoder.DecodeRequest;
import dev.stt.onnx.decoder.DecodedSequence;
import dev.stt.onnx.decoder.DecoderLayout;
import dev.stt.onnx.decoder.LogProbabilities;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * openai/whisper's beam search (patience 1, no length penalty: finished sequences ranked by mean
 * log-probability) over the Optimum merged decoder, one audio chunk at a time with the beams as the batch.
 * Each step keeps the {@code beamSize} best continuations among each live beam's top {@code beamSize + 1}
 * tokens, collects sequences that reach end of text, and stops once {@code beamSize} have. The
 * self-attention cache is reordered to follow the surviving beams; the cross-attention cache is the same
 * for every beam and stays as the first step made it. Steps inside the forced prompt keep one beam, so a
 * detected language is the single most likely one, as in openai/whisper.
 */
final class WhisperBeamSearch {

    private final OrtSession decoder;
    private final DecoderLayout layout;

    WhisperBeamSearch(OrtSession decoder) throws OrtException {
        this.decoder = decoder;
        this.layout = DecoderLayout.of(decoder);
    }

    private record Beam(long[] tokens, double sumLogProb, boolean alive) {
    }

    private record Candidate(long[] tokens, double sumLogProb, int source) {
    }

    /**
     * @param hiddenRow   the chunk's encoder output, [frames × dim] floats
     * @param row         the chunk's row in {@code request} (token limit, listener row)
     * @param greedySteps leading steps that keep only the best continuation (the forced prompt)
     */
    DecodedSequence search(float[] hiddenRow, long frames, long dim, int row, DecodeRequest request, int beamSize,
                           int greedySteps) throws OrtException {
        long[] prompt = request.prompt();
        int maxNew = request.maxNewTokens()[row];
        List<Beam> beams = new ArrayList<>();
        for (int b = 0; b < beamSize; b++) {
            beams.add(new Beam(prompt, 0, b == 0)); // identical rows; only one is live at the start
        }
        Map<List<Long>, Double> finished = new LinkedHashMap<>();

        try (LiveTensors scope = new LiveTensors()) {
            float[] tiled = new float[(int) (beamSize * frames * dim)];
            for (int b = 0; b < beamSize; b++) {
                System.arraycopy(hiddenRow, 0, tiled, (int) (b * frames * dim), hiddenRow.length);
            }
            OnnxTensor hidden = scope.floats(tiled, beamSize, frames, dim);
            Map<String, OnnxTensor> in = layout.firstStepInputs(scope, hidden, prompt, beamSize);
            OrtSession.Result first = scope.run(decoder, in);
            OrtSession.Result current = first;
            int vocab = (int) ((OnnxTensor) first.get("logits").orElseThrow()).getInfo().getShape()[2];
            float[] logits = new float[vocab];

            for (int step = 0; step < maxNew; step++) {
                OnnxTensor logitsTensor = (OnnxTensor) current.get("logits").orElseThrow();
                long seq = logitsTensor.getInfo().getShape()[1];
                FloatBuffer all = logitsTensor.getFloatBuffer();
                Map<List<Long>, Candidate> candidates = new LinkedHashMap<>();
                int perBeam = step < greedySteps ? 1 : beamSize + 1;
                for (int b = 0; b < beamSize; b++) {
                    Beam beam = beams.get(b);
                    if (!beam.alive()) {
                        continue;
                    }
                    all.position((int) ((b * seq + seq - 1) * vocab));
                    all.get(logits, 0, vocab);
                    if (step == 0 && request.firstStepLogits() != null) {
                        request.firstStepLogits().accept(row, logits.clone());
                    }
                    request.filter().apply(row, step, beam.tokens(), logits);
                    double lse = LogProbabilities.logSumExp(logits, 0, vocab);
                    for (int token : topK(logits, perBeam)) {
                        long[] next = Arrays.copyOf(beam.tokens(), beam.tokens().length + 1);
                        next[next.length - 1] = token;
                        candidates.putIfAbsent(key(next), new Candidate(next, beam.sumLogProb() + logits[token] - lse, b));
                    }
                }
                List<Candidate> ranked = new ArrayList<>(candidates.values());
                ranked.sort(Comparator.comparingDouble(Candidate::sumLogProb).reversed());
                List<Candidate> live = new ArrayList<>();
                Map<List<Long>, Double> newlyFinished = new LinkedHashMap<>();
                for (Candidate c : ranked) {
                    if (request.isStop(c.tokens()[c.tokens().length - 1])) {
                        newlyFinished.put(key(Arrays.copyOf(c.tokens(), c.tokens().length - 1)), c.sumLogProb());
                    } else {
                        live.add(c);
                        if (live.size() == beamSize) {
                            break;
                        }
                    }
                }
                for (Map.Entry<List<Long>, Double> e : newlyFinished.entrySet()) {
                    if (finished.size() >= beamSize) {
                        break;
                    }
                    finished.putIfAbsent(e.getKey(), e.getValue());
                }
                if (finished.size() >= beamSize || live.isEmpty() || step + 1 >= maxNew) {
                    beams = new ArrayList<>();
                    for (Candidate c : live) {
                        beams.add(new Beam(c.tokens(), c.sumLogProb(), true));
                    }
                    break;
                }
                int[] source = new int[beamSize];
                long[] lastTokens = new long[beamSize];
                List<Beam> next = new ArrayList<>(beamSize);
                for (int b = 0; b < beamSize; b++) {
                    // empty slots repeat the best beam but stay dead, so the batch keeps its shape
                    Candidate c = live.get(b < live.size() ? b : 0);
                    source[b] = c.source();
                    lastTokens[b] = c.tokens()[c.tokens().length - 1];
                    next.add(new Beam(c.tokens(), c.sumLogProb(), b < live.size()));
                }
                beams = next;

                in.clear();
                in.put("encoder_hidden_states", hidden);
                in.put("input_ids", scope.longs(lastTokens, beamSize, 1));
                in.put("use_cache_branch", scope.bool(true));
                List<OnnxTensor> reordered = new ArrayList<>();
                for (int n = 0; n < layout.layers(); n++) {
                    for (String part : DecoderLayout.SELF_ATTENTION) {
                        OnnxTensor t = reorder(scope, DecoderLayout.present(current, n, part), source);
                        reordered.add(t);
                        in.put(DecoderLayout.past(n, part), t);
                    }
                    for (String part : DecoderLayout.CROSS_ATTENTION) {
                        in.put(DecoderLayout.past(n, part), DecoderLayout.present(first, n, part));
                    }
                }
                OrtSession.Result result = scope.run(decoder, in);
                scope.closeNow(in.get("input_ids"));
                scope.closeNow(in.get("use_cache_branch"));
                for (OnnxTensor t : reordered) {
                    scope.closeNow(t);
                }
                if (current != first) {
                    scope.closeNow(current);
                }
                current = result;
            }
        }
        int begin = prompt.length;
        java.util.Set<List<Long>> unfinished = new java.util.HashSet<>();
        if (finished.size() < beamSize) {
            // ran into the token limit: the live beams count too, as unfinished
            for (Beam b : beams) {
                if (b.alive() && finished.size() < beamSize && finished.putIfAbsent(key(b.tokens()), b.sumLogProb()) == null) {
                    unfinished.add(key(b.tokens()));
                }
            }
        }
        List<Long> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<List<Long>, Double> e : finished.entrySet()) {
            int sampled = Math.max(1, e.getKey().size() - begin - greedySteps);
            double score = e.getValue() / sampled;
            if (best == null || score > bestScore) {
                best = e.getKey();
                bestScore = score;
            }
        }
        if (best == null) {
            return new DecodedSequence(new long[0], Double.NEGATIVE_INFINITY, false);
        }
        long[] tokens = best.subList(begin, best.size()).stream().mapToLong(Long::longValue).toArray();
        return new DecodedSequence(tokens, finished.get(best), !unfinished.contains(best));
    }

    private OnnxTensor reorder(LiveTensors scope, OnnxTensor cache, int[] source) throws OrtException {
        long[] shape = cache.getInfo().getShape();
        FloatBuffer data = cache.getFloatBuffer();
        int rowSize = (int) (shape[1] * shape[2] * shape[3]);
        float[] out = new float[source.length * rowSize];
        for (int b = 0; b < source.length; b++) {
            data.position(source[b] * rowSize);
            data.get(out, b * rowSize, rowSize);
        }
        return scope.floats(out, shape);
    }

    private static int[] topK(float[] logits, int k) {
        int[] best = new int[k];
        int count = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (count < k) {
                best[count++] = i;
            } else if (logits[i] > logits[best[k - 1]]) {
                best[k - 1] = i;
            } else {
                continue;
            }
            for (int j = count - 1; j > 0 && logits[best[j]] > logits[best[j - 1]]; j--) {
                int t = best[j];
                best[j] = best[j - 1];
                best[j - 1] = t;
            }
        }
        return Arrays.copyOf(best, count);
    }

    private static List<Long> key(long[] tokens) {
        return Arrays.stream(tokens).boxed().toList();
    }
}
