package dev.stt.server;

import dev.stt.session.Pipeline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the models are loading, ready or failed. The server listens before they are loaded, so
 * every door asks here first and answers "not initialized" until the pipeline exists.
 */
public final class ModelState {

    private static final Logger log = LoggerFactory.getLogger(ModelState.class);

    private final AtomicReference<Pipeline> pipeline = new AtomicReference<>();
    private final AtomicReference<ModelLoader.Models> models = new AtomicReference<>();
    private volatile String failure;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void loadInBackground(ModelLoader loader, java.util.function.Function<ModelLoader.Models, Pipeline> assemble) {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                ModelLoader.Models m = loader.load();
                models.set(m);
                pipeline.set(assemble.apply(m));
                log.info("models ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (Throwable e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                log.error("models failed to load: {}", failure, e);
            } finally {
                done.complete(null);
            }
        }, "model-loader");
        t.setDaemon(true);
        t.start();
    }

    /** The pipeline, or null while loading or after a failure. */
    public Pipeline pipeline() {
        return pipeline.get();
    }

    public boolean ready() {
        return pipeline.get() != null;
    }

    /** Why loading failed, or null. */
    public String failure() {
        return failure;
    }

    public CompletableFuture<Void> loaded() {
        return done;
    }

    void close() {
        ModelLoader.Models m = models.getAndSet(null);
        pipeline.set(null);
        if (m != null) {
            m.close();
        }
    }

}
