package dev.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The optional lane never puts work in the queue in front of a final transcript. */
class InferenceExecutorTest {

    @Test
    void optionalWorkRunsOnlyOnAnIdleWorkerAndIsDroppedOtherwise() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 1, 4)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            AtomicInteger optionalRuns = new AtomicInteger();
            assertTrue(pool.submitIfIdle(() -> {
                optionalRuns.incrementAndGet();
                running.countDown();
                await(release);
            }), "an idle worker takes optional work");
            assertTrue(running.await(5, TimeUnit.SECONDS));
            assertFalse(pool.hasIdleWorker());
            assertFalse(pool.submitIfIdle(optionalRuns::incrementAndGet), "busy: optional work is dropped, not queued");

            CountDownLatch finalDone = new CountDownLatch(1);
            pool.submit(finalDone::countDown);
            assertEquals(1, pool.queued(), "a final waits only for the decode already running");
            assertFalse(pool.submitIfIdle(optionalRuns::incrementAndGet), "a waiting final keeps optional work out");
            release.countDown();
            assertTrue(finalDone.await(5, TimeUnit.SECONDS));
            waitIdle(pool);
            assertTrue(pool.submitIfIdle(optionalRuns::incrementAndGet), "idle again");
            waitIdle(pool);
            assertEquals(2, optionalRuns.get());
        }
    }

    @Test
    void optionalWorkCanLeaveAWorkerFreeForFinals() throws Exception {
        try (InferenceExecutor pool = new InferenceExecutor("test", 2, 4)) {
            CountDownLatch release = new CountDownLatch(1);
            assertTrue(pool.submitIfIdle(() -> await(release), 1), "one of two workers may run optional work");
            assertFalse(pool.submitIfIdle(() -> { }, 1), "the second stays free for a final");
            CountDownLatch finalDone = new CountDownLatch(1);
            pool.submit(finalDone::countDown);
            assertTrue(finalDone.await(5, TimeUnit.SECONDS), "the final ran at once, beside the optional work");
            release.countDown();
            waitIdle(pool);
        }
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
