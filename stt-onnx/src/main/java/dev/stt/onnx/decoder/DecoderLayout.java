package dev.stt.onnx.decoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stt.onnx.LiveTensors;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs and outputs of a Hugging Face Optimum merged decoder, as the greedy loop and the beam
 * search both address them: per layer, {@code past_key_values.N.<part>} in and {@code present.N.<part>}
 * out, for the self-attention cache (which grows each step) and the cross-attention cache (fixed after
 * the first step), plus the shape of one cache tensor.
 *
 * @param layers  decoder layers, each with its four cache tensors
 * @param heads   attention heads of a cache tensor ([batch, heads, length, headDim])
 * @param headDim the size of one head
 */
public record DecoderLayout(int layers, long heads, long headDim) {

    /** The self-attention cache of a layer: the previous step's output becomes the next step's input. */
    public static final List<String> SELF_ATTENTION = List.of("decoder.key", "decoder.value");
    /** The cross-attention cache of a layer: the first step's output serves every later step. */
    public static final List<String> CROSS_ATTENTION = List.of("encoder.key", "encoder.value");

    /** Reads the layout from the decoder's inputs; fails on a decoder that is not a merged one. */
    public static DecoderLayout of(OrtSession decoder) throws OrtException {
        Map<String, NodeInfo> inputs = decoder.getInputInfo();
        int n = 0;
        while (inputs.containsKey(past(n, "decoder.key"))) {
            n++;
        }
        if (n == 0 || !inputs.containsKey("use_cache_branch")) {
            throw new OrtException("not a merged decoder: expected inputs past_key_values.N.decoder.key and use_cache_branch");
        }
        long[] kv = ((TensorInfo) inputs.get(past(0, "decoder.key")).getInfo()).getShape();
        return new DecoderLayout(n, kv[1], kv[3]);
    }

    public static String past(int layer, String part) {
        return "past_key_values." + layer + "." + part;
    }

    public static OnnxTensor present(OrtSession.Result result, int layer, String part) {
        return (OnnxTensor) result.get("present." + layer + "." + part)
                .orElseThrow(() -> new IllegalStateException("decoder output present." + layer + "." + part + " is missing"));
    }

    /**
     * The first step's inputs: {@code prompt} on each of {@code batch} rows, with no past (every cache
     * input empty, {@code use_cache_branch=false}). A mutable map: later steps clear and refill it.
     *
     * @param encoderHiddenStates [batch, frames, dim], owned by the caller
     */
    public Map<String, OnnxTensor> firstStepInputs(LiveTensors scope, OnnxTensor encoderHiddenStates, long[] prompt, int batch)
            throws OrtException {
        long[] ids = new long[batch * prompt.length];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(prompt, 0, ids, r * prompt.length, prompt.length);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("encoder_hidden_states", encoderHiddenStates);
        in.put("input_ids", scope.longs(ids, batch, prompt.length));
        in.put("use_cache_branch", scope.bool(false));
        OnnxTensor empty = scope.floats(FloatBuffer.allocate(0), batch, heads, 0, headDim);
        for (int n = 0; n < layers; n++) {
            for (String part : SELF_ATTENTION) {
                in.put(past(n, part), empty);
            }
            for (String part : CROSS_ATTENTION) {
                in.put(past(n, part), empty);
            }
        }
        return in;
    }
}
