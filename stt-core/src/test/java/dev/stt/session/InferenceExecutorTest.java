package dev.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Optional work never sits in the queue in front of a final transcript: it waits in lanes of its own. */
class InferenceExecutorTest {

    /** Interim work (whenSpare) waits behind queued finals and pause decodes, in the order it came; forgotten, it never runs. */
    @Test
    void spareWorkTakesAWorkerOnlyAfterFinalsAndPauseDecodes() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 1, 4)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            pool.submit(() -> {
                running.countDown();
                await(release);
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            AtomicInteger forgottenRuns = new AtomicInteger();
            InferenceExecutor.Waiting forgotten = waiting(forgottenRuns::incrementAndGet);
            pool.whenSpare(waiting(() -> order.add("interim 1")));
            pool.whenSpare(forgotten);
            pool.whenSpare(waiting(() -> order.add("interim 2")));
            pool.submit(() -> order.add("final"));
            pool.whenIdle(waiting(() -> order.add("pause")));
            assertEquals(4, pool.waiting(), "no worker is free: all but the final wait");
            assertEquals(1, pool.queued(), "only the final is in the queue, behind the decode already running");
            pool.forget(forgotten);
            release.countDown();
            for (int i = 0; i < 500 && order.size() < 4; i++) {
                Thread.sleep(10);
            }
            waitIdle(pool);
            assertEquals(java.util.List.of("final", "pause", "interim 1", "interim 2"), order);
            assertEquals(0, forgottenRuns.get(), "forgotten work never runs");
            assertEquals(0, pool.waiting());

            CountDownLatch atOnce = new CountDownLatch(1);
            pool.whenSpare(waiting(atOnce::countDown));
            assertTrue(atOnce.await(5, TimeUnit.SECONDS), "a free worker takes it at once");
        }
    }

    /** While a turn may close, spare work leaves one of two workers free for its final, and takes it once no turn is closing. */
    @Test
    void spareWorkLeavesAWorkerFreeWhileATurnCloses() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 2, 4)) {
            pool.turnClosing(true);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch firstRunning = new CountDownLatch(1);
            pool.whenSpare(waiting(() -> {
                firstRunning.countDown();
                await(release);
            }));
            assertTrue(firstRunning.await(5, TimeUnit.SECONDS), "one of two workers may run spare work");
            CountDownLatch second = new CountDownLatch(1);
            pool.whenSpare(waiting(second::countDown));
            assertEquals(1, pool.waiting(), "the second stays free for a final");
            CountDownLatch finalDone = new CountDownLatch(1);
            pool.submit(finalDone::countDown);
            assertTrue(finalDone.await(5, TimeUnit.SECONDS), "the final ran at once, beside the spare work");
            assertFalse(second.await(200, TimeUnit.MILLISECONDS), "still kept free: the turn may still close");
            pool.turnClosing(false);
            assertTrue(second.await(5, TimeUnit.SECONDS), "no turn closing: the free worker takes it");
            release.countDown();
            waitIdle(pool);
        }
    }

    /** Work given to whenIdle waits behind finals, goes before interim work, and a cancelled one never runs. */
    @Test
    void waitingWorkTakesTheNextIdleWorkerAfterTheFinalsBeforeOtherOptionalWork() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 1, 4)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            pool.submit(() -> {
                running.countDown();
                await(release);
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            CountDownLatch finalDone = new CountDownLatch(1);
            pool.submit(() -> {
                order.add("final");
                finalDone.countDown();
            });
            CountDownLatch pauseDone = new CountDownLatch(1);
            AtomicInteger cancelledRuns = new AtomicInteger();
            InferenceExecutor.Waiting cancelled = waiting(cancelledRuns::incrementAndGet);
            pool.whenIdle(cancelled);
            pool.whenIdle(waiting(() -> {
                order.add("pause");
                pauseDone.countDown();
            }));
            assertEquals(2, pool.waiting(), "no worker is idle: both wait");
            pool.forget(cancelled);
            assertEquals(1, pool.optionalKeepsFree(), "while work waits, interim text takes no worker");
            release.countDown();
            assertTrue(pauseDone.await(5, TimeUnit.SECONDS), "the worker came free and took the waiting work");
            assertTrue(finalDone.await(5, TimeUnit.SECONDS));
            assertEquals(java.util.List.of("final", "pause"), order, "the queued final first");
            waitIdle(pool);
            assertEquals(0, pool.waiting());
            assertEquals(0, cancelledRuns.get(), "forgotten work never runs");
            assertEquals(0, pool.optionalKeepsFree());

            CountDownLatch atOnce = new CountDownLatch(1);
            pool.whenIdle(waiting(atOnce::countDown));
            assertTrue(atOnce.await(5, TimeUnit.SECONDS), "an idle worker takes it at once");
        }
    }

    @Test
    void waitingWorkTheExecutorCannotRunIsRefusedNotLost() throws Exception {
        InferenceExecutor pool = new InferenceExecutor("test", 1, 4);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> await(release));
        CountDownLatch refused = new CountDownLatch(1);
        pool.whenIdle(new InferenceExecutor.Waiting() {
            @Override
            public Runnable take() {
                return () -> { };
            }

            @Override
            public void refused(java.util.concurrent.RejectedExecutionException e) {
                refused.countDown();
            }
        });
        Thread drain = new Thread(() -> {
            try {
                pool.drain(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        drain.start();
        for (int i = 0; i < 500 && !pool.pool().isShutdown(); i++) {
            Thread.sleep(10);
        }
        release.countDown();
        assertTrue(refused.await(5, TimeUnit.SECONDS), "taken while the executor shut down: told so");
        drain.join(5_000);
        pool.close();
    }

    private static InferenceExecutor.Waiting waiting(Runnable task) {
        return new InferenceExecutor.Waiting() {
            @Override
            public Runnable take() {
                return task;
            }

            @Override
            public void refused(java.util.concurrent.RejectedExecutionException e) {
                throw new AssertionError("refused", e);
            }
        };
    }

    @Test
    void aThrowingTaskStillFreesItsWorker() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 1, 1)) {
            pool.submit(() -> {
                throw new IllegalStateException("boom");
            });
            waitIdle(pool);
            assertTrue(pool.hasIdleWorker());
        }
    }

    private static void waitIdle(InferenceExecutor pool) throws InterruptedException {
        for (int i = 0; i < 500 && !pool.hasIdleWorker(); i++) {
            Thread.sleep(10);
        }
        assertTrue(pool.hasIdleWorker(), "the worker did not come free");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
