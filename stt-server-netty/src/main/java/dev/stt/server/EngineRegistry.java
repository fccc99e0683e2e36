package dev.stt.server;

import dev.stt.engine.SttEngine;
import dev.stt.session.Pipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of every served model, shared by all doors. The default model is the one {@link ModelState}
 * loads at start and is never unloaded; any other is opened on first use (callers wait on the future) and
 * closed after {@code ttl} with no request or session holding it. Holders take a {@link Lease} and give it
 * back when the engine can no longer be running for them: an ONNX session closed while a thread runs inside
 * it crashes the JVM, so an engine is closed only at zero leases, none of them still draining.
 */
public final class EngineRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EngineRegistry.class);

    private final String defaultModel;
    private final ModelState defaults;
    private final EngineOpener opener;
    private final Function<SttEngine, Pipeline> assemble;
    private final long ttlNanos;
    private final ScheduledExecutorService timer;
    // guarded by this
    private final Map<String, Entry> entries = new HashMap<>();
    private boolean closed;
    /** Seconds the last load of each model took, for /metrics; the default's is not here. */
    private final Map<String, Double> loadSeconds = new ConcurrentHashMap<>();

    /** One model other than the default: loading, loaded, or (removed from the map) unloaded. */
    private static final class Entry {
        final String model;
        final CompletableFuture<Pipeline> ready = new CompletableFuture<>();
        GuardedEngine engine;
        int leases;
        long lastUsed = System.nanoTime();
        final List<BooleanSupplier> draining = new ArrayList<>();

        Entry(String model) {
            this.model = model;
        }
    }

    /** A hold on one model's pipeline: the engine stays open until it is closed (or its session drained). */
    public final class Lease implements AutoCloseable {
        private final String model;
        private final Pipeline pipeline;
        private final Entry entry;
        private boolean released;

        private Lease(String model, Pipeline pipeline, Entry entry) {
            this.model = model;
            this.pipeline = pipeline;
            this.entry = entry;
        }

        public String model() {
            return model;
        }

        public Pipeline pipeline() {
            return pipeline;
        }

        /** Gives the hold back now: nothing of the caller's runs in the engine any more. */
        @Override
        public void close() {
            release(null);
        }

        /**
         * Gives the hold back, but the engine stays open while {@code busy} is true (a closed session whose
         * last segments are still being transcribed).
         */
        public void closeWhenIdle(BooleanSupplier busy) {
            release(busy);
        }

        private void release(BooleanSupplier busy) {
            if (entry == null) {
                return; // the default model is never unloaded
            }
            synchronized (EngineRegistry.this) {
                if (released) {
                    return;
                }
                released = true;
                entry.leases--;
                entry.lastUsed = System.nanoTime();
                if (busy != null && busy.getAsBoolean()) {
                    entry.draining.add(busy);
                }
            }
        }
    }

    /**
     * @param defaultModel the model {@code defaults} loads, never unloaded
     * @param ttlSeconds   idle seconds before another model is unloaded
     * @param assemble     the pipeline around a freshly opened engine (the shared VAD and pools)
     */
    public EngineRegistry(String defaultModel, ModelState defaults, EngineOpener opener, int ttlSeconds,
                          Function<SttEngine, Pipeline> assemble) {
        this.defaultModel = defaultModel;
        this.defaults = defaults;
        this.opener = opener;
        this.assemble = assemble;
        this.ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stt-model-registry");
            t.setDaemon(true);
            return t;
        });
        long sweepMs = Math.max(100, Math.min(5_000, TimeUnit.SECONDS.toMillis(ttlSeconds) / 4));
        timer.scheduleWithFixedDelay(this::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /**
     * A lease on {@code model}'s pipeline (a served name, aliases already resolved): at once for the default
     * and for a loaded model, after the load for one not loaded yet. Fails with {@link ModelUnavailableException}
     * while the server's models load, or when this model fails to load (a later call tries again).
     */
    public CompletableFuture<Lease> acquire(String model) {
        Pipeline base = defaults.pipeline();
        if (base == null) {
            return CompletableFuture.failedFuture(new ModelUnavailableException("Server models not initialized.", null));
        }
        if (model.equals(defaultModel)) {
            return CompletableFuture.completedFuture(new Lease(model, base, null));
        }
        Entry e;
        boolean load = false;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new ModelUnavailableException("server shutting down", null));
            }
            e = entries.get(model);
            if (e == null) {
                e = new Entry(model);
                entries.put(model, e);
                load = true;
            }
            e.leases++;
        }
        if (load) {
            Entry loading = e;
            Thread t = new Thread(() -> load(loading), "model-loader-" + model);
            t.setDaemon(true);
            t.start();
        }
        Entry held = e;
        return e.ready.handle((p, err) -> {
            if (err != null) {
                Lease failed = new Lease(model, null, held);
                failed.close();
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
                throw new CompletionException(new ModelUnavailableException("model '" + model + "' failed to load: " + why, cause));
            }
            return new Lease(model, p, held);
        });
    }

    private void load(Entry e) {
        long t0 = System.nanoTime();
        GuardedEngine engine = null;
        try {
            engine = new GuardedEngine(opener.open(e.model));
            Pipeline p = assemble.apply(engine);
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    e.engine = engine;
                }
            }
            if (!keep) {
                engine.close();
                e.ready.completeExceptionally(new IllegalStateException("server shutting down"));
                return;
            }
            loadSeconds.put(e.model, seconds);
            log.info("model {} loaded on first use in {} ms", e.model, Math.round(seconds * 1000));
            e.ready.complete(p);
        } catch (Throwable err) {
            log.warn("model {} failed to load: {}", e.model, err.toString());
            if (engine != null) {
                engine.close();
            }
            synchronized (this) {
                entries.remove(e.model, e); // the next request loads it afresh
            }
            e.ready.completeExceptionally(err);
            if (err instanceof VirtualMachineError vm) {
                throw vm;
            }
        }
    }

    /** Unloads every model other than the default idle for the TTL, held by no one and draining nothing. */
    void sweep() {
        List<Entry> unload = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.engine == null || e.leases > 0) {
                    continue;
                }
                e.draining.removeIf(busy -> !busy.getAsBoolean());
                if (!e.draining.isEmpty()) {
                    e.lastUsed = now;
                    continue;
                }
                // under the registry's lock no new lease can be taken; the engine closes only with no call inside
                if (now - e.lastUsed >= ttlNanos && e.engine.closeIfIdle()) {
                    it.remove();
                    unload.add(e);
                }
            }
        }
        for (Entry e : unload) {
            log.info("model {} unloaded after {} s idle", e.model, TimeUnit.NANOSECONDS.toSeconds(ttlNanos));
        }
    }

    /** Whether {@code model}'s engine is open now (the default: once the server's models are ready). */
    public synchronized boolean loaded(String model) {
        if (model.equals(defaultModel)) {
            return defaults.ready();
        }
        Entry e = entries.get(model);
        return e != null && e.engine != null;
    }

    /** Engines open now, the default included. */
    public synchronized int loadedCount() {
        int n = defaults.ready() ? 1 : 0;
        for (Entry e : entries.values()) {
            if (e.engine != null) {
                n++;
            }
        }
        return n;
    }

    /** Seconds the last load of {@code model} took, or NaN before its first load. */
    public double loadSeconds(String model) {
        return loadSeconds.getOrDefault(model, Double.NaN);
    }

    /**
     * Closes every engine other than the default. Call only once no thread can be inside one (the server's
     * shutdown, after the inference workers drained).
     */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        timer.shutdownNow();
        for (Entry e : all) {
            if (e.engine != null) {
                e.engine.close();
            }
        }
    }
}
