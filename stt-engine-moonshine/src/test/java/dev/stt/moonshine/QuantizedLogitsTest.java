package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.stt.audio.WavReader;
import dev.stt.engine.Device;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import dev.stt.onnx.decoder.DecodeRequest;
import dev.stt.onnx.decoder.MergedDecoderLoop;
import dev.stt.onnx.graph.AttentionGraph;
import dev.stt.onnx.graph.QuantizedLogits;
import dev.stt.onnx.proto.OnnxProto.ModelProto;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moonshine's decoder with its output projection computed in int8 ({@link QuantizedLogits}) against the
 * downloaded graph, on the real model and the repo's ten clips: both branches of the merged decoder are
 * rewritten, and greedy decoding chooses the same tokens.
 */
class QuantizedLogitsTest {

    private static final Logger log = LoggerFactory.getLogger(QuantizedLogitsTest.class);

    @Test
    void bothBranchesAreRewrittenAndAGraphWithoutThePatternIsLeftAlone() throws Exception {
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        ModelProto decoder = AttentionGraph.read(dir.resolve("decoder_model_merged.onnx"));
        assertEquals(0, QuantizedLogits.rewrittenGraphs(decoder));
        ModelProto rewritten = QuantizedLogits.rewrite(decoder);
        assertEquals(2, QuantizedLogits.rewrittenGraphs(rewritten), "the first step's branch and the cached one");
        assertSame(rewritten, QuantizedLogits.rewrite(rewritten), "nothing left to rewrite");
        ModelProto encoder = AttentionGraph.read(dir.resolve("encoder_model.onnx"));
        assertSame(encoder, QuantizedLogits.rewrite(encoder), "no logits: as it was");
    }

    @Test
    void greedyDecodingChoosesTheSameTokensAsWithTheFloatProjection() throws Exception {
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        Path decoderFile = dir.resolve("decoder_model_merged.onnx");
        try (OrtSession encoder = OnnxSessions.open(dir.resolve("encoder_model.onnx"), Device.CPU, 1).session();
             OrtSession asDownloaded = OnnxSessions.open(decoderFile, Device.CPU, 1).session();
             OrtSession integer = QuantizedLogits.open(decoderFile, Device.CPU, 1).session()) {
            MergedDecoderLoop floatLoop = new MergedDecoderLoop(asDownloaded);
            MergedDecoderLoop intLoop = new MergedDecoderLoop(integer);
            int same = 0;
            int clips = 0;
            for (SpeechCorpus.Clip c : SpeechCorpus.load(TestData.speechDir())) {
                float[] audio = WavReader.read(c.wav()).toMono16k();
                long[] a;
                long[] b;
                try (LiveTensors scope = new LiveTensors()) {
                    OrtSession.Result encoded = scope.run(encoder, Map.of("input_values", scope.floats(audio, 1, audio.length)));
                    OnnxTensor hidden = (OnnxTensor) encoded.get("last_hidden_state").orElseThrow();
                    a = floatLoop.greedy(hidden, request(audio.length)).getFirst().tokens();
                    b = intLoop.greedy(hidden, request(audio.length)).getFirst().tokens();
                }
                clips++;
                if (Arrays.equals(a, b)) {
                    same++;
                } else {
                    log.info("{}: float {} / int8 {}", c.name(), Arrays.toString(a), Arrays.toString(b));
                }
                assertTrue(a.length > 5, c.name() + " decoded to " + a.length + " tokens");
            }
            // integer logits are not bit-identical: a near tie may go the other way, on one clip at most
            assertTrue(same >= clips - 1, same + " of " + clips + " clips decode to the same tokens");
        }
    }

    private static DecodeRequest request(int samples) {
        int maxTokens = Math.max(8, samples / 16_000 * 12);
        return new DecodeRequest(new long[] {MoonshineEngine.START_OF_TEXT}, new long[] {MoonshineEngine.END_OF_TEXT},
                new int[] {maxTokens}, null, null);
    }
}
