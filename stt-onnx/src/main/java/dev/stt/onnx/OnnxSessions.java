package dev.stt.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stt.engine.Device;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions with the project's settings: thread count, and the CUDA provider when
 * asked for and usable. The caller owns the returned session and closes it.
 */
public final class OnnxSessions {

    private static final Logger log = LoggerFactory.getLogger(OnnxSessions.class);

    /** The CPU fallback is said once per process, not once per model or session. */
    private static final java.util.concurrent.atomic.AtomicBoolean FALLBACK_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    private OnnxSessions() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * @param intraThreads 0 = ONNX Runtime's default (one per core)
     * @return the session and the device it really runs on
     */
    public static OpenedSession open(Path model, Device device, int intraThreads) throws OrtException {
        return open(model.getFileName().toString(), device, intraThreads, (env, opts) -> env.createSession(model.toString(), opts));
    }

    /** The same for a model held in memory (a graph edited at load); {@code name} is for messages only. */
    public static OpenedSession open(byte[] model, String name, Device device, int intraThreads) throws OrtException {
        return open(name, device, intraThreads, (env, opts) -> env.createSession(model, opts));
    }

    private interface SessionFactory {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions opts) throws OrtException;
    }

    private static OpenedSession open(String name, Device device, int intraThreads, SessionFactory factory) throws OrtException {
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraThreads > 0) {
                opts.setIntraOpNumThreads(intraThreads);
            }
            // Sessions run one request at a time per caller thread; inter-op parallelism only adds threads.
            opts.setInterOpNumThreads(1);
            // A server runs several sessions' inferences side by side: idle pool threads that spin steal the
            // cores the other workers need (measured: 2 threads went from 70-80 to 9-16 ms/token under load).
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            // Int8 exports keep some weights behind a DequantizeLinear (Moonshine's tied 32768 x 288 token
            // embedding, used again as the output projection). ONNX Runtime keeps those nodes for its QDQ
            // fusions, so it re-dequantized the weights on every decoder step (Moonshine tiny decodes about
            // 30 % faster without that). With QDQ handling off, constant folding turns them into float
            // weights once at load; the values are the same, so are the transcripts. The dynamically
            // quantized MatMuls keep their integer kernels (they are not QDQ).
            opts.addConfigEntry("session.disable_quant_qdq", "1");
            Device actual = Device.CPU;
            if (device != Device.CPU) {
                try {
                    String libraries = CudaLibraries.load();
                    if (libraries != null) {
                        log.debug("{}; trying the system's CUDA libraries", libraries);
                    }
                    opts.addCUDA(0);
                    actual = Device.CUDA;
                } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
                    if (device == Device.CUDA) {
                        throw new OrtException("CUDA was asked for but cannot be used: " + e.getMessage());
                    }
                    if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                        log.info("CUDA is not usable ({}); running on the CPU", e.getMessage());
                    } else {
                        log.debug("CUDA is not usable; {} runs on the CPU", name);
                    }
                }
            }
            return new OpenedSession(factory.create(env, opts), actual);
        }
    }

    /** A session and where it runs. */
    public record OpenedSession(OrtSession session, Device device) {
    }
}
