package dev.stt.session;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads every session shares for model inference, behind a bounded queue: when it is
 * full, work is refused at once ("server busy") instead of piling up without limit.
 */
public final class InferenceExecutor implements AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final int queueCapacity;
    private final int workers;
    /** Tasks accepted and not yet finished, queued or running: what "a worker is idle" is judged by. */
    private final AtomicInteger busy = new AtomicInteger();
    /** Sessions in a pause that may close a turn within the silence window, with no decode of it under way. */
    private final AtomicInteger turnsClosing = new AtomicInteger();
    /** Optional work that takes the next idle worker before any other optional work can ({@link #whenIdle}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Waiting> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Optional work that takes a worker nothing else wants ({@link #whenSpare}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Waiting> spare = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Work waiting for an idle worker; see {@link #whenIdle}. */
    public interface Waiting {
        /** On the thread that has reserved an idle worker for it: the task to run now, or null if it is no longer wanted. */
        Runnable take();

        /** The task {@link #take()} gave could not run: the executor is shutting down. */
        void refused(RejectedExecutionException e);
    }

    public InferenceExecutor(String name, int workers, int queueCapacity) {
        if (workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("workers and queueCapacity must be >= 1");
        }
        AtomicInteger n = new AtomicInteger();
        this.queueCapacity = queueCapacity;
        this.workers = workers;
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * The lane for work a client waits on (final transcripts, uploads).
     *
     * @throws RejectedExecutionException when the queue is full or the executor is shut down
     */
    public void submit(Runnable task) {
        busy.incrementAndGet();
        execute(task);
    }

    /**
     * Runs {@code work} on the next worker that is idle with no final waiting, before any other optional work
     * (the early decode of a pause, which answers the turn if the pause ends it). A worker is asked for it as
     * soon as it finishes its task, not when the session next hears audio: under load that is the moment
     * between finals, and goes before interim decodes waiting in {@link #whenSpare}. Dropped with
     * {@link #forget} when no longer wanted.
     */
    public void whenIdle(Waiting work) {
        waiting.add(work);
        serveWaiting();
    }

    /**
     * Runs {@code work} on a worker that nothing else wants: no final queued, no work of {@link #whenIdle}
     * waiting, and, while a turn may close, one worker left free for its final ({@link #optionalKeepsFree()}).
     * Interim text: it takes the gaps between finals under load, where a decode that had to find a worker idle
     * the moment it was due would find none, and waits in the order it came. Dropped with {@link #forget} once
     * stale.
     */
    public void whenSpare(Waiting work) {
        spare.add(work);
        serveWaiting();
    }

    /** Removes {@code work} if it is still waiting (its session cancelled it). */
    public void forget(Waiting work) {
        if (!waiting.remove(work)) {
            spare.remove(work);
        }
    }

    /** Work waiting for an idle worker, in either lane (tests, metrics). */
    public int waiting() {
        return waiting.size() + spare.size();
    }

    private void serveWaiting() {
        serve(waiting, 0);
        if (waiting.isEmpty()) {
            serve(spare, optionalKeepsFree());
        }
    }

    /** Hands {@code lane}'s work to workers while more than {@code keepFree} are idle. */
    private void serve(java.util.Queue<Waiting> lane, int keepFree) {
        while (!lane.isEmpty()) {
            int b = busy.get();
            if (b >= workers - keepFree) {
                return; // asked again when a worker finishes
            }
            if (!busy.compareAndSet(b, b + 1)) {
                continue;
            }
            Waiting w = lane.poll();
            Runnable task = w == null ? null : w.take();
            if (task == null) {
                busy.decrementAndGet();
                continue;
            }
            try {
                execute(task);
            } catch (RejectedExecutionException e) {
                w.refused(e);
            }
        }
    }

    private void execute(Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    busy.decrementAndGet();
                    serveWaiting();
                }
            });
        } catch (RejectedExecutionException e) {
            busy.decrementAndGet();
            throw e;
        }
    }

    /**
     * A session's pause began (+1) or ended (-1) without a decode of its turn: a final transcript may be
     * submitted when its silence window closes. See {@link #optionalKeepsFree()}.
     */
    public void turnClosing(boolean closing) {
        if (turnsClosing.addAndGet(closing ? 1 : -1) == 0) {
            serveWaiting(); // the worker kept free for a final may take spare work again
        }
    }

    /**
     * How many workers interim text ({@link #whenSpare}) leaves idle now. A turn's final is submitted at the end of
     * a silence window (500 ms by default) that began with a pause everyone can see, and an interim decode
     * takes tens of milliseconds: while no session is in such a pause, no final can need a worker before an
     * interim decode started now has ended, so it may take the last idle one. While one is, a worker stays
     * free for it (an ONNX run cannot be interrupted). Finals that come without a pause (a client's commit,
     * a turn cut at its length limit) may wait for at most one interim decode. While work waits for an idle
     * worker ({@link #whenIdle}), interim text takes none: that work goes first.
     */
    public int optionalKeepsFree() {
        if (!waiting.isEmpty()) {
            return workers;
        }
        return workers > 1 && turnsClosing.get() > 0 ? 1 : 0;
    }

    /** Sessions now in a closing pause with no decode of the turn under way (tests, metrics). */
    public int turnsClosing() {
        return turnsClosing.get();
    }

    /** Whether a task submitted now would start at once: a worker is free and nothing waits (it may not be a moment later). */
    public boolean hasIdleWorker() {
        return busy.get() < workers;
    }

    public int queued() {
        return pool.getQueue().size();
    }

    public int active() {
        return pool.getActiveCount();
    }

    public int workers() {
        return workers;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Waits for queued work to finish, up to the deadline; what remains afterwards is abandoned. */
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        pool.shutdown();
        return pool.awaitTermination(timeout, unit);
    }

    ExecutorService pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
