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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Silero VAD v5: one ONNX session shared by every stream (ONNX Runtime runs are thread-safe), each
 * stream keeping its own recurrent state, context and tensors in a {@link SileroSpeechSegmenter}.
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
    /**
     * Tensors of closed streams, kept for the next stream at the same rate: their direct buffers would
     * otherwise wait for the garbage collector, and a server opens and closes streams all day. At most
     * as many as streams were ever open at once.
     */
    private final Queue<StreamTensors> idle16k = new ConcurrentLinkedQueue<>();
    private final Queue<StreamTensors> idle8k = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

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
     * @param options    thresholds, padding and durations; see {@link dev.stt.segment.SpeechTurnTracker} for how
     *                   each is applied
     */
    @Override
    public SpeechSegmenter open(int sampleRate, VadOptions options) {
        return new SileroSpeechSegmenter(this, sampleRate, options);
    }

    /** Tensors for one stream at {@code sampleRate}, its own until it hands them back with {@link #giveBack}. */
    StreamTensors borrowTensors(int sampleRate) {
        StreamTensors t = idle(sampleRate).poll();
        if (t != null) {
            return t;
        }
        try {
            return new StreamTensors(sampleRate, sampleRate == 16_000 ? sr16k : sr8k);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create Silero VAD tensors: " + e.getMessage(), e);
        }
    }

    /** A closed stream's tensors: kept for the next stream, or closed when this VAD is. */
    void giveBack(StreamTensors t) {
        Queue<StreamTensors> idle = idle(t.sampleRate);
        idle.add(t);
        if (closed) {
            closeAll(idle); // closed while the stream was open: nobody else will
        }
    }

    private Queue<StreamTensors> idle(int sampleRate) {
        return sampleRate == 16_000 ? idle16k : idle8k;
    }

    private static void closeAll(Queue<StreamTensors> idle) {
        for (StreamTensors t; (t = idle.poll()) != null; ) {
            t.close();
        }
    }

    /**
     * Speech probability of one window.
     *
     * @param tensors the stream's own, from {@link #borrowTensors(int)} at the stream's rate
     * @param input   context + window samples (64 + 512 at 16 kHz, 32 + 256 at 8 kHz)
     * @param state   the stream's recurrent state, [2, 1, 128], replaced in place
     */
    float probability(StreamTensors tensors, float[] input, float[] state) {
        tensors.samples.put(0, input);
        tensors.state.put(0, state);
        try (LiveTensors scope = new LiveTensors()) {
            scope.run(session, tensors.inputs, tensors.outputs);
        } catch (OrtException e) {
            throw new IllegalStateException("Silero VAD inference failed: " + e.getMessage(), e);
        }
        tensors.nextState.get(0, state);
        return tensors.output.get(0);
    }

    /**
     * One stream's tensors over direct buffers, outputs included (pinned): ONNX Runtime reads and writes
     * them in place, so a window creates no tensor and allocates nothing. The open stream holds them,
     * whatever threads run it; the VAD keeps them between streams and closes them.
     */
    static final class StreamTensors {
        private final int sampleRate;
        private final FloatBuffer samples;
        private final FloatBuffer state = direct(STATE_SIZE);
        private final FloatBuffer nextState = direct(STATE_SIZE);
        private final FloatBuffer output = direct(1);
        private final OnnxTensor samplesTensor;
        private final OnnxTensor stateTensor;
        private final OnnxTensor nextStateTensor;
        private final OnnxTensor outputTensor;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> outputs;

        private StreamTensors(int sampleRate, OnnxTensor sr) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            this.sampleRate = sampleRate;
            int inputLength = contextSize(sampleRate) + windowSize(sampleRate);
            samples = direct(inputLength);
            OnnxTensor[] made = new OnnxTensor[4];
            try {
                made[0] = OnnxTensor.createTensor(env, samples, new long[] {1, inputLength});
                made[1] = OnnxTensor.createTensor(env, state, new long[] {2, 1, 128});
                made[2] = OnnxTensor.createTensor(env, nextState, new long[] {2, 1, 128});
                made[3] = OnnxTensor.createTensor(env, output, new long[] {1, 1});
            } catch (OrtException | RuntimeException e) {
                for (OnnxTensor t : made) {
                    if (t != null) {
                        t.close();
                    }
                }
                throw e;
            }
            samplesTensor = made[0];
            stateTensor = made[1];
            nextStateTensor = made[2];
            outputTensor = made[3];
            inputs = Map.of("input", samplesTensor, "state", stateTensor, "sr", sr);
            outputs = Map.of("output", outputTensor, "stateN", nextStateTensor);
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private void close() {
            samplesTensor.close();
            stateTensor.close();
            nextStateTensor.close();
            outputTensor.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeAll(idle16k);
        closeAll(idle8k);
        try (OnnxTensor a = sr16k; OnnxTensor b = sr8k) {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the Silero VAD session", e);
        }
    }
}
