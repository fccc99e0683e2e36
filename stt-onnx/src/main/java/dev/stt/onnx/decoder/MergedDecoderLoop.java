package dev.stt.onnx.decoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stt.onnx.LiveTensors;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Greedy decoding over a Hugging Face Optimum "merged" decoder ({@code decoder_model_merged.onnx}), the
 * layout both Moonshine and Whisper exports use: the first step runs the prompt with empty past
 * key/values ({@code use_cache_branch=false}); every later step feeds one token per row plus the
 * previous step's {@code present.*} tensors as {@code past_key_values.*}, so the cache never travels
 * through Java arrays.
 */
public final class MergedDecoderLoop {

    private final OrtSession decoder;
    private final DecoderLayout layout;
    private final int vocabulary;
    /** Every output but the logits: what a later step asks ONNX Runtime to allocate. */
    private final java.util.Set<String> presentOutputs;
    /** The layers whose cross-attention the decoder outputs (an edited graph, for word times); usually none. */
    private final List<Integer> attentionLayers;

    /** @param decoder the merged decoder; the caller keeps ownership and closes it */
    public MergedDecoderLoop(OrtSession decoder) throws OrtException {
        this.decoder = decoder;
        this.layout = DecoderLayout.of(decoder);
        long[] logits = ((TensorInfo) decoder.getOutputInfo().get("logits").getInfo()).getShape();
        vocabulary = (int) logits[2];
        presentOutputs = new java.util.LinkedHashSet<>(decoder.getOutputNames());
        presentOutputs.remove("logits");
        attentionLayers = dev.stt.onnx.graph.AttentionGraph.exposedLayers(decoder.getOutputNames());
    }

    /** Whether decoded rows carry their {@link CrossAttention} (the decoder outputs it). */
    public boolean capturesAttention() {
        return !attentionLayers.isEmpty();
    }

    public int layerCount() {
        return layout.layers();
    }

    public int vocabulary() {
        return vocabulary;
    }

    /**
     * Decodes every row of {@code encoderHiddenStates} ([batch, frames, dim]) greedily.
     *
     * @param encoderHiddenStates owned by the caller
     */
    public List<DecodedSequence> greedy(OnnxTensor encoderHiddenStates, DecodeRequest request) throws OrtException {
        int batch = (int) encoderHiddenStates.getInfo().getShape()[0];
        if (request.maxNewTokens().length != batch) {
            throw new IllegalArgumentException("maxNewTokens has " + request.maxNewTokens().length + " rows, batch has " + batch);
        }
        int longest = 0;
        for (int m : request.maxNewTokens()) {
            longest = Math.max(longest, m);
        }
        int promptLength = request.prompt().length;
        long[][] tokens = new long[batch][promptLength + longest];
        int[] length = new int[batch];
        double[] sumLogProb = new double[batch];
        boolean[] done = new boolean[batch];
        boolean[] stopped = new boolean[batch];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(request.prompt(), 0, tokens[r], 0, promptLength);
            length[r] = promptLength;
            done[r] = request.maxNewTokens()[r] <= 0;
        }
        long filler = request.stopTokens().length > 0 ? request.stopTokens()[0] : 0;
        float[] row = new float[vocabulary];
        // only word-timed decodes keep per-token scores and attention: the plain path allocates nothing more
        double[][] tokenLogProbs = capturesAttention() ? new double[batch][longest] : null;
        List<List<float[]>> attentionRuns = new ArrayList<>();
        for (int r = 0; r < batch && capturesAttention(); r++) {
            attentionRuns.add(new ArrayList<>());
        }
        int[] attentionShape = new int[2]; // heads, frames

        try (LiveTensors scope = new LiveTensors()) {
            Map<String, OnnxTensor> in = layout.firstStepInputs(scope, encoderHiddenStates, request.prompt(), batch);
            OrtSession.Result first = scope.run(decoder, in);
            OrtSession.Result previous = first;
            OnnxTensor cacheTrue = scope.bool(true);
            // Later steps write their logits into this one direct buffer (a pinned output) instead of a
            // new tensor each step that getFloatBuffer() would copy onto a new heap buffer (that copy cost
            // about 140 us of a 4 ms Moonshine tiny step).
            FloatBuffer stepLogits = java.nio.ByteBuffer.allocateDirect(batch * vocabulary * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            Map<String, OnnxTensor> pinned = Map.of("logits", scope.floats(stepLogits, batch, 1, vocabulary));

            for (int step = 0; ; step++) {
                OrtSession.Result current = step == 0 ? first : previous;
                FloatBuffer logits = step == 0 ? ((OnnxTensor) current.get("logits").orElseThrow()).getFloatBuffer() : stepLogits;
                int seq = step == 0 ? promptLength : 1;
                long[] next = new long[batch];
                boolean anyActive = false;
                if (capturesAttention()) {
                    keepAttention(current, done, seq, attentionRuns, attentionShape);
                }
                for (int r = 0; r < batch; r++) {
                    if (done[r]) {
                        next[r] = filler;
                        continue;
                    }
                    logits.get(((r * seq) + seq - 1) * vocabulary, row, 0, vocabulary);
                    if (step == 0 && request.firstStepLogits() != null) {
                        request.firstStepLogits().accept(r, row.clone());
                    }
                    if (request.filter() != LogitsFilter.NONE) {
                        request.filter().apply(r, step, java.util.Arrays.copyOf(tokens[r], length[r]), row);
                    }
                    int best = argmax(row);
                    double logProb = row[best] - chosenLogSumExp(row, row[best]);
                    sumLogProb[r] += logProb;
                    next[r] = best;
                    if (request.isStop(best)) {
                        done[r] = true;
                        stopped[r] = true;
                        continue;
                    }
                    if (tokenLogProbs != null) {
                        tokenLogProbs[r][length[r] - promptLength] = logProb;
                    }
                    tokens[r][length[r]++] = best;
                    if (length[r] - promptLength >= request.maxNewTokens()[r]) {
                        done[r] = true;
                    } else {
                        anyActive = true;
                    }
                }
                if (!anyActive) {
                    break;
                }
                in.clear();
                in.put("encoder_hidden_states", encoderHiddenStates);
                in.put("input_ids", scope.longs(next, batch, 1));
                in.put("use_cache_branch", cacheTrue);
                for (int n = 0; n < layout.layers(); n++) {
                    for (String part : DecoderLayout.SELF_ATTENTION) {
                        in.put(DecoderLayout.past(n, part), DecoderLayout.present(current, n, part));
                    }
                    for (String part : DecoderLayout.CROSS_ATTENTION) {
                        in.put(DecoderLayout.past(n, part), DecoderLayout.present(first, n, part));
                    }
                }
                OnnxTensor idsTensor = in.get("input_ids");
                OrtSession.Result result = scope.run(decoder, in, presentOutputs, pinned);
                scope.closeNow(idsTensor);
                if (current != first) {
                    scope.closeNow(current);
                }
                previous = result;
            }
        }

        List<DecodedSequence> out = new ArrayList<>(batch);
        for (int r = 0; r < batch; r++) {
            int n = length[r] - promptLength;
            CrossAttention attention = capturesAttention()
                    ? new CrossAttention(attentionLayers, attentionShape[0], attentionShape[1], List.copyOf(attentionRuns.get(r)))
                    : null;
            out.add(new DecodedSequence(java.util.Arrays.copyOfRange(tokens[r], promptLength, length[r]), sumLogProb[r], stopped[r],
                    tokenLogProbs == null ? null : java.util.Arrays.copyOf(tokenLogProbs[r], n), attention));
        }
        return out;
    }

    /**
     * Copies, for every row still decoding, the cross-attention of the run's last query position (the one
     * whose logits choose the row's next token) out of {@code result} before the result is closed.
     */
    private void keepAttention(OrtSession.Result result, boolean[] done, int seq, List<List<float[]>> runs, int[] shape)
            throws OrtException {
        int layers = attentionLayers.size();
        float[][] all = new float[layers][];
        long[] dims = null;
        for (int l = 0; l < layers; l++) {
            OnnxTensor t = (OnnxTensor) result.get(dev.stt.onnx.graph.AttentionGraph.outputName(attentionLayers.get(l)))
                    .orElseThrow(() -> new IllegalStateException("the decoder gave no cross-attention output"));
            dims = t.getInfo().getShape(); // [batch, heads, seq, frames]
            FloatBuffer b = t.getFloatBuffer();
            all[l] = new float[b.remaining()];
            b.get(all[l]);
        }
        int heads = (int) dims[1];
        int querySeq = (int) dims[2];
        int frames = (int) dims[3];
        if (querySeq != seq) {
            throw new IllegalStateException("cross-attention has " + querySeq + " query positions, the step fed " + seq);
        }
        shape[0] = heads;
        shape[1] = frames;
        for (int r = 0; r < done.length; r++) {
            if (done[r]) {
                continue;
            }
            float[] kept = new float[layers * heads * frames];
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    int from = ((r * heads + h) * querySeq + (querySeq - 1)) * frames;
                    System.arraycopy(all[l], from, kept, (l * heads + h) * frames, frames);
                }
            }
            runs.get(r).add(kept);
        }
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Logits further than this below the chosen one are left out of its log-probability. */
    static final float NEGLIGIBLE_BELOW_MAX = 20f;

    /**
     * The normaliser of every greedy step, given the maximum, which the greedy choice has already found.
     * A confident step has only a few hundred of its 32k+ logits within 20 of the maximum; each of the
     * others adds under e^-20 (2e-9) to a sum of at least 1, so skipping their exp moves the result by at
     * most vocabulary x 2e-9 (7e-5 for Moonshine's 32,768 tokens): far below what the guards that read the
     * average log-probability can tell, and it spares most of the 32k exp calls per token.
     */
    static double chosenLogSumExp(float[] x, float max) {
        float floor = max - NEGLIGIBLE_BELOW_MAX;
        double sum = 0;
        for (float v : x) {
            if (v > floor) {
                sum += Math.exp(v - max);
            }
        }
        return max + Math.log(sum);
    }
}
