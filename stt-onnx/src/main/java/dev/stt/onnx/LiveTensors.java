package dev.stt.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns the tensors and run results of one inference call and closes them together, counting what is
 * alive so that leak tests can see native memory held across calls (ONNX Runtime's Java API has no
 * such count of its own).
 */
public final class LiveTensors implements AutoCloseable {

    private static final AtomicLong LIVE = new AtomicLong();
    /** Wall time inside OrtSession.run, summed over threads: the floor a pipeline's cost is set against. */
    private static final java.util.concurrent.atomic.LongAdder RUN_NANOS = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder RUNS = new java.util.concurrent.atomic.LongAdder();

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** Tensors and results created through any scope and not yet closed, process-wide. */
    public static long live() {
        return LIVE.get();
    }

    /** Calls of {@code OrtSession.run} through any scope so far, process-wide (a decoder's steps, say). */
    public static long runs() {
        return RUNS.sum();
    }

    /** Nanoseconds spent inside {@code OrtSession.run} through any scope so far, process-wide. */
    public static long runNanos() {
        return RUN_NANOS.sum();
    }

    public OnnxTensor floats(float[] data, long... shape) throws OrtException {
        return own(OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
    }

    public OnnxTensor floats(FloatBuffer data, long... shape) throws OrtException {
        return own(OnnxTensor.createTensor(env, data, shape));
    }

    public OnnxTensor longs(long[] data, long... shape) throws OrtException {
        return own(OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
    }

    public OnnxTensor scalar(long value) throws OrtException {
        return own(OnnxTensor.createTensor(env, value));
    }

    public OnnxTensor bool(boolean value) throws OrtException {
        return own(OnnxTensor.createTensor(env, new boolean[] {value}));
    }

    /** Runs the session; the result belongs to this scope until {@link #closeNow} or {@link #close}. */
    public OrtSession.Result run(OrtSession session, Map<String, ? extends ai.onnxruntime.OnnxTensorLike> inputs) throws OrtException {
        return timed(() -> session.run(inputs));
    }

    /**
     * Runs the session computing {@code requested} outputs into new tensors and {@code pinned} ones into the
     * caller's tensors; the result belongs to this scope, the pinned tensors stay the caller's.
     */
    public OrtSession.Result run(OrtSession session, Map<String, ? extends ai.onnxruntime.OnnxTensorLike> inputs,
                                 java.util.Set<String> requested, Map<String, ? extends ai.onnxruntime.OnnxValue> pinned)
            throws OrtException {
        return timed(() -> session.run(inputs, requested, pinned));
    }

    /** Runs the session into caller-made output tensors (pinned outputs); the result belongs to this scope. */
    public OrtSession.Result run(OrtSession session, Map<String, ? extends ai.onnxruntime.OnnxTensorLike> inputs,
                                 Map<String, ? extends ai.onnxruntime.OnnxValue> outputs) throws OrtException {
        return timed(() -> session.run(inputs, outputs));
    }

    @FunctionalInterface
    private interface SessionRun {
        OrtSession.Result run() throws OrtException;
    }

    private OrtSession.Result timed(SessionRun run) throws OrtException {
        long start = System.nanoTime();
        try {
            return own(run.run());
        } finally {
            RUN_NANOS.add(System.nanoTime() - start);
            RUNS.increment();
        }
    }

    public <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        LIVE.incrementAndGet();
        return resource;
    }

    /** Closes one resource now, before the scope ends (the KV cache of a finished decoder step). */
    public void closeNow(AutoCloseable resource) throws OrtException {
        if (owned.remove(resource)) {
            closeOne(resource);
        }
    }

    /** Closes everything still owned, newest first; one failure does not keep the rest alive. */
    @Override
    public void close() {
        OrtException failure = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                closeOne(owned.get(i));
            } catch (OrtException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        owned.clear();
        if (failure != null) {
            throw new IllegalStateException("cannot release an ONNX value", failure);
        }
    }

    private static void closeOne(AutoCloseable r) throws OrtException {
        LIVE.decrementAndGet();
        try {
            r.close();
        } catch (OrtException | RuntimeException e) {
            throw e instanceof OrtException o ? o : new OrtException(e.getMessage());
        } catch (Exception e) {
            throw new OrtException(e.getMessage());
        }
    }
}
