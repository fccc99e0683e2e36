package dev.stt.server;

import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An engine that can be unloaded while the server runs: every call holds a read lock, and the engine is
 * closed only under the write lock, taken without waiting, so it is never closed with a thread inside it
 * (closing an ONNX session during a run crashes the JVM). A call after the close fails as an ordinary error.
 */
final class GuardedEngine implements SttEngine {

    private final SttEngine engine;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    GuardedEngine(SttEngine engine) {
        this.engine = engine;
    }

    @Override
    public String model() {
        return engine.model();
    }

    @Override
    public Set<String> languages() {
        return engine.languages();
    }

    @Override
    public boolean translates() {
        return engine.translates();
    }

    @Override
    public boolean decodesProvisionally() {
        return engine.decodesProvisionally();
    }

    @Override
    public Transcript transcribe(float[] samples, TranscribeOptions options) {
        enter();
        try {
            return engine.transcribe(samples, options);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
        enter();
        try {
            return engine.transcribeBatch(segments, options);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new IllegalStateException("model " + engine.model() + " was unloaded");
        }
    }

    /** Closes the engine if no call is inside it now; false (and still open) otherwise. */
    boolean closeIfIdle() {
        if (!lock.writeLock().tryLock()) {
            return false;
        }
        try {
            if (!closed) {
                closed = true;
                engine.close();
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                engine.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
