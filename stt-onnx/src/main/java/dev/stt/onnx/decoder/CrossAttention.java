package dev.stt.onnx.decoder;

import java.util.List;

/**
 * One row's cross-attention weights, as a decoder that exposes them ({@code cross_attentions.N} outputs,
 * see {@link dev.stt.onnx.graph.AttentionGraph}) gave them run by run: for each decoder run, the weights of
 * the run's last query position, the one whose logits chose the next token. Run 0 is the prompt's last
 * position (it chose the first text token), run k the position fed token k; when end of text stopped the
 * row, the last run is the one that chose it.
 *
 * @param layers the decoder layers kept, in order
 * @param heads  attention heads per layer
 * @param frames encoder frames of the batch (a shorter row's own audio covers only its first frames)
 * @param runs   per run, [layer][head][frame] flattened
 */
public record CrossAttention(List<Integer> layers, int heads, int frames, List<float[]> runs) {

    /** The weight of (layer index, head) at a run and frame. */
    public float weight(int run, int layerIndex, int head, int frame) {
        return runs.get(run)[(layerIndex * heads + head) * frames + frame];
    }

    /**
     * [head][run][frame] for the given (layer index, head) pairs, the first {@code audioFrames} frames:
     * what {@link dev.stt.onnx.align.CrossAttentionAligner#align} reads.
     */
    public float[][][] select(List<int[]> layerHeads, int audioFrames) {
        int f = Math.min(audioFrames, frames);
        float[][][] out = new float[layerHeads.size()][runs.size()][f];
        for (int h = 0; h < layerHeads.size(); h++) {
            int[] lh = layerHeads.get(h);
            int at = layers.indexOf(lh[0]);
            if (at < 0) {
                throw new IllegalArgumentException("layer " + lh[0] + " was not kept; kept " + layers);
            }
            for (int r = 0; r < runs.size(); r++) {
                System.arraycopy(runs.get(r), (at * heads + lh[1]) * frames, out[h][r], 0, f);
            }
        }
        return out;
    }
}
