package dev.stt.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import dev.stt.model.ModelStore;
import dev.stt.onnx.LiveTensors;
import dev.stt.onnx.OnnxSessions;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.VadOptions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Silero VAD v5: one ONNX session shared by every stream (ONNX Runtime runs are thread-safe), each
 * stream keeping its own recurrent state and context in a {@link SileroSpeechSegmenter}.
 *
 * <p>The session runs on the calling thread (one intra-op thread, sequential execution, all graph
 * optimisations): streams scale over the caller's threads. Each run is one window of one stream; the
 * model accepts a batch, and batching a few streams' windows would cost about half the CPU per window
 * (measured: 115 µs for one window, 51 µs per window in batches of 4 or more), left for when many
 * streams share one host.
 */
public final class SileroVad implements SpeechSegmenterFactory {

    public static final String MODEL = "silero-vad";
    static final int STATE_SIZE = 2 * 128;

    private final OrtSession session;
    private final OnnxTensor sr16k;
    private final OnnxTensor sr8k;
    /** Every thread's scratch, so that {@link #close()} can free their tensors. */
    private final java.util.Queue<Scratch> scratches = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<Scratch> threadScratch = ThreadLocal.withInitial(() -> {
        Scratch s = newScratch();
        scratches.add(s);
        return s;
    });

    private SileroVad(OrtSession session) throws OrtException {
        this.session = session;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        this.sr16k = OnnxTensor.createTensor(env, 16_000L);
        this.sr8k = OnnxTensor.createTensor(env, 8_000L);
    }

    /** Loads {@code silero-vad} from the store, downloading it on first use. */
    public static SileroVad open(ModelStore store) throws IOException {
        return open(store.ensure(MODEL).resolve("silero_vad.onnx"));
    }

    /** Loads a Silero VAD v5 ONNX file ({@code silero_vad.onnx}). */
    public static SileroVad open(Path model) throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new FileNotFoundException("no Silero VAD model at " + model);
        }
        try {
            // One thread per window: the model is tiny and streams run in parallel on their own threads.
            return new SileroVad(OnnxSessions.open(model, Device.CPU, 1).session());
        } catch (OrtException e) {
            throw new IOException("cannot load Silero VAD from " + model + ": " + e.getMessage(), e);
        }
    }

    /** Samples per model window: 512 at 16 kHz, 256 at 8 kHz (32 ms). */
    static int windowSize(int sampleRate) {
        return sampleRate == 16_000 ? 512 : 256;
    }

    /** Samples of the previous window prepended to each window: 64 at 16 kHz, 32 at 8 kHz. */
    static int contextSize(int sampleRate) {
        return sampleRate == 16_000 ? 64 : 32;
    }

    /**
     * A segmenter for one stream.
     *
     * @param sampleRate 16000 or 8000
     * @param options    thresholds, padding and durations; see {@link SileroSpeechSegmenter} for how
     *                   each is applied
     */
    @Override
    public SpeechSegmenter open(int sampleRate, VadOptions options) {
        return new SileroSpeechSegmenter(this, sampleRate, options);
    }

    /**
     * Speech probability of one window.
     *
     * @param input context + window samples (64 + 512 at 16 kHz, 32 + 256 at 8 kHz)
     * @param state the stream's recurrent state, [2, 1, 128], replaced in place
     */
    float probability(float[] input, float[] state, int sampleRate) {
        // The thread's own tensors over its own direct buffers, outputs included (pinned): ONNX Runtime
        // reads and writes them in place, so a window creates no tensor and allocates nothing.
        Scratch scratch = threadScratch.get();
        Scratch.Window w = sampleRate == 16_000 ? scratch.wideWindow : scratch.narrowWindow;
        w.samples.put(0, input);
        scratch.state.put(0, state);
        try (LiveTensors scope = new LiveTensors()) {
            scope.run(session, w.inputs, scratch.outputs);
        } catch (OrtException e) {
            throw new IllegalStateException("Silero VAD inference failed: " + e.getMessage(), e);
        }
        scratch.nextState.get(0, state);
        return scratch.output.get(0);
    }

    private Scratch newScratch() {
        try {
            return new Scratch(sr16k, sr8k);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create Silero VAD tensors: " + e.getMessage(), e);
        }
    }

    /** One thread's tensor memory and the tensors over it; input sized for the 16 kHz window, a smaller one for 8 kHz. */
    private static final class Scratch implements AutoCloseable {
        final FloatBuffer state = direct(STATE_SIZE);
        final FloatBuffer nextState = direct(STATE_SIZE);
        final FloatBuffer output = direct(1);
        final FloatBuffer wide = direct(64 + 512);
        final FloatBuffer narrow = direct(32 + 256);
        final OnnxTensor stateTensor;
        final OnnxTensor nextStateTensor;
        final OnnxTensor outputTensor;
        final Window wideWindow;
        final Window narrowWindow;
        final Map<String, OnnxTensor> outputs;

        /** The inputs of one rate: its samples tensor, the shared state, the rate. */
        record Window(FloatBuffer samples, OnnxTensor tensor, Map<String, OnnxTensor> inputs) {
        }

        Scratch(OnnxTensor sr16k, OnnxTensor sr8k) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            stateTensor = OnnxTensor.createTensor(env, state, new long[] {2, 1, 128});
            nextStateTensor = OnnxTensor.createTensor(env, nextState, new long[] {2, 1, 128});
            outputTensor = OnnxTensor.createTensor(env, output, new long[] {1, 1});
            wideWindow = window(env, wide, sr16k);
            narrowWindow = window(env, narrow, sr8k);
            outputs = Map.of("output", outputTensor, "stateN", nextStateTensor);
        }

        private Window window(OrtEnvironment env, FloatBuffer samples, OnnxTensor sr) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(env, samples, new long[] {1, samples.capacity()});
            return new Window(samples, t, Map.of("input", t, "state", stateTensor, "sr", sr));
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        @Override
        public void close() {
            stateTensor.close();
            nextStateTensor.close();
            outputTensor.close();
            wideWindow.tensor().close();
            narrowWindow.tensor().close();
        }
    }

    @Override
    public void close() {
        for (Scratch s; (s = scratches.poll()) != null; ) {
            s.close();
        }
        try (OnnxTensor a = sr16k; OnnxTensor b = sr8k) {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the Silero VAD session", e);
        }
    }
}
