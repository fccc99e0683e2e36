package dev.stt.onnx.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.audio.WavReader;
import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loop on the real Moonshine tiny decoder (the only merged decoder these machines have), fed by its
 * encoder on the JFK recording.
 */
class MergedDecoderLoopTest {

    private static final long START = 1;
    private static final long END = 2;

    private static OrtSession encoder;
    private static OrtSession decoder;
    private static MergedDecoderLoop loop;
    private static float[] jfk;
    private static DecodedSequence reference;

    @BeforeAll
    static void open() throws Exception {
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        encoder = OnnxSessions.open(dir.resolve("encoder_model.onnx"), Device.CPU, 2).session();
        decoder = OnnxSessions.open(dir.resolve("decoder_model_merged.onnx"), Device.CPU, 2).session();
        loop = new MergedDecoderLoop(decoder);
        jfk = WavReader.read(dev.stt.eval.TestData.jfkWav()).toMono16k();
        reference = decode(List.of(jfk), new int[] {80}, null, null).get(0);
    }

    @AfterAll
    static void close() throws OrtException {
        decoder.close();
        encoder.close();
    }

    private static List<DecodedSequence> decode(List<float[]> rows, int[] max, LogitsFilter filter,
                                                DecodeRequest.FirstStepListener first) throws OrtException {
        int width = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        float[] input = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, input, r * width, rows.get(r).length);
        }
        try (LiveTensors scope = new LiveTensors()) {
            OrtSession.Result encoded = scope.run(encoder, Map.of("input_values", scope.floats(input, rows.size(), width)));
            OnnxTensor hidden = (OnnxTensor) encoded.get("last_hidden_state").orElseThrow();
            return loop.greedy(hidden, new DecodeRequest(new long[] {START}, new long[] {END}, max, filter, first));
        }
    }

    @Test
    void discoversTheLayoutFromTheModel() {
        assertEquals(6, loop.layerCount());
        assertEquals(32768, loop.vocabulary());
    }

    @Test
    void greedyDecodeOfSpeechEndsWithEndOfText() {
        assertTrue(reference.stopped(), "the decode ran into its cap");
        // "And so, my fellow Americans, ask not ..." is a few dozen SentencePiece tokens
        assertTrue(reference.tokens().length > 20 && reference.tokens().length < 60, Arrays.toString(reference.tokens()));
        assertTrue(Arrays.stream(reference.tokens()).noneMatch(t -> t == END));
        assertTrue(reference.avgLogProb() < 0 && reference.avgLogProb() > -1, "avg log-prob " + reference.avgLogProb());
    }

    @Test
    void batchedRowsDecodeLikeASingleRow() throws OrtException {
        List<DecodedSequence> two = decode(List.of(jfk, jfk), new int[] {80, 80}, null, null);
        for (DecodedSequence d : two) {
            assertArrayEquals(reference.tokens(), d.tokens());
            assertEquals(reference.sumLogProb(), d.sumLogProb(), 1e-3);
            assertTrue(d.stopped());
        }
    }

    @Test
    void aRowThatHitsItsCapFeedsFillerWhileOthersGoOn() throws OrtException {
        List<DecodedSequence> rows = decode(List.of(jfk, jfk), new int[] {3, 80}, null, null);
        assertArrayEquals(Arrays.copyOf(reference.tokens(), 3), rows.get(0).tokens());
        assertFalse(rows.get(0).stopped());
        assertArrayEquals(reference.tokens(), rows.get(1).tokens());
        assertTrue(rows.get(1).stopped());
    }

    @Test
    void filterSeesEveryStepAndCanForbidTokens() throws OrtException {
        long banned = reference.tokens()[0];
        List<Integer> steps = new ArrayList<>();
        LogitsFilter filter = (row, step, tokens, logits) -> {
            steps.add(step);
            assertEquals(step + 1, tokens.length);
            assertEquals(START, tokens[0]);
            logits[(int) banned] = Float.NEGATIVE_INFINITY;
        };
        DecodedSequence d = decode(List.of(jfk), new int[] {5}, filter, null).get(0);
        assertNotEquals(banned, d.tokens()[0]);
        assertTrue(Arrays.stream(d.tokens()).noneMatch(t -> t == banned));
        assertEquals(List.of(0, 1, 2, 3, 4), steps.subList(0, d.tokens().length));
    }

    @Test
    void firstStepLogitsReachTheListenerUnfiltered() throws OrtException {
        List<float[]> seen = new ArrayList<>();
        LogitsFilter banFirst = (row, step, tokens, logits) -> logits[(int) reference.tokens()[0]] = Float.NEGATIVE_INFINITY;
        decode(List.of(jfk, jfk), new int[] {2, 2}, banFirst, (row, logits) -> seen.add(logits));
        assertEquals(2, seen.size());
        for (float[] logits : seen) {
            assertEquals(loop.vocabulary(), logits.length);
            assertEquals(reference.tokens()[0], MergedDecoderLoop.argmax(logits));
        }
    }

    @Test
    void everyTensorAndResultIsReleased() throws OrtException {
        long before = LiveTensors.live();
        decode(List.of(jfk, jfk), new int[] {10, 80}, null, null);
        assertEquals(before, LiveTensors.live());
    }

    @Test
    void theGreedyStepsLogProbabilityLeavesOutOnlyNegligibleLogits() throws OrtException {
        List<float[]> steps = new ArrayList<>();
        decode(List.of(jfk), new int[] {80}, (row, step, tokens, logits) -> steps.add(logits.clone()), null);
        assertTrue(steps.size() > 20, "a step per token of the JFK sentence, got " + steps.size());
        double bound = steps.get(0).length * Math.exp(-MergedDecoderLoop.NEGLIGIBLE_BELOW_MAX);
        double worst = 0;
        for (float[] logits : steps) {
            float max = logits[MergedDecoderLoop.argmax(logits)];
            worst = Math.max(worst, Math.abs(MergedDecoderLoop.chosenLogSumExp(logits, max) - LogProbabilities.logSumExp(logits)));
        }
        assertTrue(worst <= bound, "worst difference " + worst + " over the bound " + bound);
        assertTrue(bound < 1e-4, "the bound itself is negligible: " + bound);
    }

    @Test
    void rejectsAModelThatIsNotAMergedDecoder() {
        assertThrows(OrtException.class, () -> new MergedDecoderLoop(encoder));
    }

    @Test
    void rejectsACapPerRowThatDoesNotMatchTheBatch() {
        assertThrows(IllegalArgumentException.class, () -> decode(List.of(jfk), new int[] {5, 5}, null, null));
    }
}
