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
     * <p>The first run feeds the prompt, the forced tokens and the draft together. Its logits at each
     * position are what greedy decoding would have seen there, so forced tokens are scored from them, and
     * each draft token the greedy choice agrees with is kept without a run of its own; at the first
     * disagreement the choice replaces the draft, the cache is cut back to the agreed positions, and
     * decoding goes on one token a step.
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
        long[] forced = request.forced();
        int promptLength = request.prompt().length;
        long[] firstIds = concat(request.prompt(), forced, request.draft());
        int firstLength = firstIds.length;
        // only word-timed decodes keep attention; every decode keeps its tokens' scores (a provisional one reads them)
        Rows rows = new Rows(request, batch, forced.length + longest);
        boolean[] done = rows.done;
        long filler = request.stopTokens().length > 0 ? request.stopTokens()[0] : 0;
        float[] row = new float[vocabulary];
        List<List<float[]>> attentionRuns = new ArrayList<>();
        for (int r = 0; r < batch && capturesAttention(); r++) {
            attentionRuns.add(new ArrayList<>());
        }
        int[] attentionShape = new int[2]; // heads, frames

        try (LiveTensors scope = new LiveTensors()) {
            Map<String, OnnxTensor> in = layout.firstStepInputs(scope, encoderHiddenStates, firstIds, batch);
            OrtSession.Result first = scope.run(decoder, in);
            FloatBuffer firstLogits = ((OnnxTensor) first.get("logits").orElseThrow()).getFloatBuffer();
            long[] next = new long[batch];
            int[] from = new int[batch];
            int[] last = new int[batch]; // the last position of the first run each row read
            int keep = firstLength; // positions of the first run every continuing row agrees with
            boolean anyActive = false;
            for (int r = 0; r < batch; r++) {
                int q = promptLength - 1;
                from[r] = q;
                if (request.firstStepLogits() != null) {
                    firstLogits.get((r * firstLength + q) * vocabulary, row, 0, vocabulary);
                    request.firstStepLogits().accept(r, row.clone());
                }
                for (long token : forced) {
                    firstLogits.get((r * firstLength + q) * vocabulary, row, 0, vocabulary);
                    rows.force(r, token, row);
                    q++;
                }
                if (request.maxNewTokens()[r] <= 0) {
                    done[r] = true;
                    last[r] = q - 1; // no choice was made at q
                    continue;
                }
                while (true) {
                    firstLogits.get((r * firstLength + q) * vocabulary, row, 0, vocabulary);
                    long best = rows.choose(r, row);
                    if (done[r]) {
                        break;
                    }
                    if (q + 1 < firstLength && best == firstIds[q + 1]) {
                        q++; // the draft said the same: the next position's logits already follow this token
                        continue;
                    }
                    next[r] = best;
                    anyActive = true;
                    keep = q + 1; // a row stops on a disagreement or at the end: only a single row can cut here
                    break;
                }
                last[r] = q;
            }
            if (capturesAttention()) {
                keepAttention(first, firstLength, from, last, attentionRuns, attentionShape);
            }
            OrtSession.Result previous = first;
            Map<String, OnnxTensor> agreedCache = keep < firstLength && anyActive ? cutCache(scope, first, keep) : null;
            OnnxTensor cacheTrue = scope.bool(true);
            // Later steps write their logits into this one direct buffer (a pinned output) instead of a
            // new tensor each step that getFloatBuffer() would copy onto a new heap buffer (that copy cost
            // about 140 us of a 4 ms Moonshine tiny step).
            FloatBuffer stepLogits = java.nio.ByteBuffer.allocateDirect(batch * vocabulary * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            Map<String, OnnxTensor> pinned = Map.of("logits", scope.floats(stepLogits, batch, 1, vocabulary));

            while (anyActive) {
                OrtSession.Result current = previous;
                in.clear();
                in.put("encoder_hidden_states", encoderHiddenStates);
                in.put("input_ids", scope.longs(next, batch, 1));
                in.put("use_cache_branch", cacheTrue);
                for (int n = 0; n < layout.layers(); n++) {
                    for (String part : DecoderLayout.SELF_ATTENTION) {
                        String name = DecoderLayout.past(n, part);
                        in.put(name, agreedCache != null ? agreedCache.get(name) : DecoderLayout.present(current, n, part));
                    }
                    for (String part : DecoderLayout.CROSS_ATTENTION) {
                        in.put(DecoderLayout.past(n, part), DecoderLayout.present(first, n, part));
                    }
                }
                OnnxTensor idsTensor = in.get("input_ids");
                OrtSession.Result result = scope.run(decoder, in, presentOutputs, pinned);
                scope.closeNow(idsTensor);
                if (agreedCache != null) {
                    for (OnnxTensor t : agreedCache.values()) {
                        scope.closeNow(t);
                    }
                    agreedCache = null;
                }
                if (current != first) {
                    scope.closeNow(current);
                }
                previous = result;

                if (capturesAttention()) {
                    int[] none = new int[batch];
                    int[] one = new int[batch];
                    for (int r = 0; r < batch; r++) {
                        one[r] = done[r] ? -1 : 0;
                    }
                    keepAttention(result, 1, none, one, attentionRuns, attentionShape);
                }
                anyActive = false;
                for (int r = 0; r < batch; r++) {
                    if (done[r]) {
                        next[r] = filler;
                        continue;
                    }
                    stepLogits.get(r * vocabulary, row, 0, vocabulary);
                    next[r] = rows.choose(r, row);
                    anyActive |= !done[r];
                }
            }
        }

        List<DecodedSequence> out = new ArrayList<>(batch);
        for (int r = 0; r < batch; r++) {
            CrossAttention attention = capturesAttention()
                    ? new CrossAttention(attentionLayers, attentionShape[0], attentionShape[1], List.copyOf(attentionRuns.get(r)))
                    : null;
            out.add(rows.sequence(r, attention));
        }
        return out;
    }

    /** Every row's tokens and scores while it decodes. */
    private static final class Rows {
        final DecodeRequest request;
        final int promptLength;
        final long[][] tokens;
        final int[] length;
        final double[] sumLogProb;
        final boolean[] done;
        final boolean[] stopped;
        /** Each output token's log-probability. */
        final double[][] tokenLogProbs;

        Rows(DecodeRequest request, int batch, int capacity) {
            this.request = request;
            this.promptLength = request.prompt().length;
            tokens = new long[batch][promptLength + capacity];
            length = new int[batch];
            sumLogProb = new double[batch];
            done = new boolean[batch];
            stopped = new boolean[batch];
            tokenLogProbs = new double[batch][capacity];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(request.prompt(), 0, tokens[r], 0, promptLength);
                length[r] = promptLength;
            }
        }

        /** Takes a forced token, scored as greedy decoding would have scored it at this position. */
        void force(int r, long token, float[] logits) {
            int best = filteredArgmax(r, logits);
            record(r, token, logits[(int) token] - chosenLogSumExp(logits, logits[best]));
        }

        /**
         * The greedy choice for row {@code r} from its logits, after the request's filter: recorded, or the
         * row is done (a stop token, or its cap of new tokens).
         */
        long choose(int r, float[] logits) {
            int best = filteredArgmax(r, logits);
            double logProb = logits[best] - chosenLogSumExp(logits, logits[best]);
            if (request.isStop(best)) {
                sumLogProb[r] += logProb;
                done[r] = stopped[r] = true;
                return best;
            }
            record(r, best, logProb);
            if (length[r] - promptLength - request.forced().length >= request.maxNewTokens()[r]) {
                done[r] = true;
            }
            return best;
        }

        /** Row {@code r}'s output: its tokens after the prompt, forced ones included. */
        DecodedSequence sequence(int r, CrossAttention attention) {
            int n = length[r] - promptLength;
            return new DecodedSequence(java.util.Arrays.copyOfRange(tokens[r], promptLength, length[r]), sumLogProb[r], stopped[r],
                    java.util.Arrays.copyOf(tokenLogProbs[r], n), attention);
        }

        private int filteredArgmax(int r, float[] logits) {
            if (request.filter() != LogitsFilter.NONE) {
                request.filter().apply(r, length[r] - promptLength, java.util.Arrays.copyOf(tokens[r], length[r]), logits);
            }
            return argmax(logits);
        }

        private void record(int r, long token, double logProb) {
            sumLogProb[r] += logProb;
            tokenLogProbs[r][length[r] - promptLength] = logProb;
            tokens[r][length[r]++] = token;
        }
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * The self-attention cache of the first run's first {@code keep} positions (single row): what the next
     * step may attend to once the draft was refused after them. Owned by {@code scope}.
     */
    private Map<String, OnnxTensor> cutCache(LiveTensors scope, OrtSession.Result first, int keep) throws OrtException {
        Map<String, OnnxTensor> cut = new java.util.HashMap<>();
        for (int n = 0; n < layout.layers(); n++) {
            for (String part : DecoderLayout.SELF_ATTENTION) {
                OnnxTensor full = DecoderLayout.present(first, n, part);
                long[] shape = full.getInfo().getShape(); // [1, heads, positions, headDim]
                int heads = (int) shape[1];
                int positions = (int) shape[2];
                int dim = (int) shape[3];
                FloatBuffer all = full.getFloatBuffer();
                float[] kept = new float[heads * keep * dim];
                for (int h = 0; h < heads; h++) {
                    all.position(h * positions * dim);
                    all.get(kept, h * keep * dim, keep * dim);
                }
                cut.put(DecoderLayout.past(n, part), scope.floats(kept, 1, heads, keep, dim));
            }
        }
        return cut;
    }

    /**
     * Copies, for every row, the cross-attention of the run's query positions {@code from[r]..to[r]} (each
     * the position whose logits chose one of the row's tokens) out of {@code result} before it is closed;
     * a row with {@code to[r] < from[r]} keeps nothing.
     */
    private void keepAttention(OrtSession.Result result, int seq, int[] from, int[] to, List<List<float[]>> runs, int[] shape)
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
        for (int r = 0; r < from.length; r++) {
            for (int q = from[r]; q <= to[r]; q++) {
                float[] kept = new float[layers * heads * frames];
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        int at = ((r * heads + h) * querySeq + q) * frames;
                        System.arraycopy(all[l], at, kept, (l * heads + h) * frames, frames);
                    }
                }
                runs.get(r).add(kept);
            }
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
