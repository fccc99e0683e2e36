package dev.stt.session;

import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-session batching: segments that different sessions close within a short window are transcribed
 * in one {@link SttEngine#transcribeBatch} call, which a GPU runs in about the time of one.
 *
 * <p>Each session has at most one segment here at a time ({@link TranscriptionSession} submits its next
 * only when the previous is answered), so a batch holds one segment per session: per-session order is
 * kept, and a session with a long backlog cannot crowd the others out of a batch. The queue is bounded;
 * when it is full a segment is refused at once ("server busy").
 */
public final class SegmentBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentBatcher.class);

    private record Job(float[] samples, TranscribeOptions options, BiConsumer<Transcript, RuntimeException> done) {
    }

    private final SttEngine engine;
    private final InferenceExecutor workers;
    private final long windowNanos;
    private final int maxBatch;
    private final BlockingQueue<Job> queue;
    private final Thread dispatcher;
    private volatile boolean closed;

    /**
     * @param window   how long the first segment of a batch waits for company
     * @param maxBatch most segments in one engine call
     * @param capacity segments that may wait here
     */
    public SegmentBatcher(SttEngine engine, InferenceExecutor workers, Duration window, int maxBatch, int capacity) {
        if (maxBatch < 1 || capacity < 1 || window.isNegative()) {
            throw new IllegalArgumentException("maxBatch and capacity must be >= 1 and window >= 0");
        }
        this.engine = engine;
        this.workers = workers;
        this.windowNanos = window.toNanos();
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.dispatcher = new Thread(this::dispatch, "stt-batcher");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /**
     * Queues one segment; {@code done} gets the transcript or the failure, on a worker thread.
     *
     * @throws RejectedExecutionException when the queue is full or the batcher is closed
     */
    public void submit(float[] samples, TranscribeOptions options, BiConsumer<Transcript, RuntimeException> done) {
        if (closed || !queue.offer(new Job(samples, options, done))) {
            throw new RejectedExecutionException(closed ? "batcher is closed" : "batch queue is full");
        }
    }

    private void dispatch() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + windowNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(List.copyOf(batch));
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One engine call per distinct option set in the batch (options are per session). */
    private void run(List<Job> batch) {
        List<List<Job>> groups = new ArrayList<>();
        for (Job j : batch) {
            groups.stream().filter(g -> g.get(0).options().equals(j.options())).findFirst()
                    .orElseGet(() -> {
                        List<Job> g = new ArrayList<>();
                        groups.add(g);
                        return g;
                    }).add(j);
        }
        for (List<Job> group : groups) {
            try {
                workers.submit(() -> transcribe(group));
            } catch (RejectedExecutionException e) {
                for (Job j : group) {
                    j.done().accept(null, new RejectedExecutionException("server busy: the inference queue is full"));
                }
            }
        }
    }

    private void transcribe(List<Job> group) {
        List<Transcript> results;
        try {
            results = engine.transcribeBatch(group.stream().map(Job::samples).toList(), group.get(0).options());
        } catch (RuntimeException | Error failure) {
            log.warn("a batch of {} failed", group.size(), failure);
            RuntimeException e = failure instanceof RuntimeException r ? r : TranscriptionSession.internalError((Error) failure);
            for (Job j : group) {
                j.done().accept(null, e);
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).done().accept(results.get(i), null);
        }
    }

    /** Stops dispatching; what still waits is answered as failed. */
    @Override
    public void close() {
        closed = true;
        dispatcher.interrupt();
        Job j;
        while ((j = queue.poll()) != null) {
            j.done().accept(null, new RejectedExecutionException("server shutting down"));
        }
    }
}
