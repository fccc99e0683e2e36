package dev.stt.hardening;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches what the server logs (slf4j-simple and Netty's leak detector both write to {@code System.err})
 * while a test runs, and keeps the lines that must never appear: ERROR records, stack-trace frames and
 * Netty's "LEAK:" reports. Everything is still passed through to the real stderr.
 */
final class LogWatch implements AutoCloseable {

    private final PrintStream original = System.err;
    private final List<String> bad = new ArrayList<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LogWatch() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (bad) {
                    if (b == '\n') {
                        inspect(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }
        }, true, StandardCharsets.UTF_8));
        // proves the watch sees the log at all: a watch that sees nothing would pass every test
        org.slf4j.LoggerFactory.getLogger(LogWatch.class).error("log watch canary");
        synchronized (bad) {
            if (bad.stream().noneMatch(l -> l.contains("log watch canary"))) {
                System.setErr(original);
                throw new IllegalStateException("the server log does not reach System.err; LogWatch cannot check it");
            }
            bad.clear();
        }
    }

    private void inspect(String s) {
        if (s.contains(" ERROR ") || s.contains("LEAK:") || s.startsWith("\tat ") || s.startsWith("Caused by:")) {
            bad.add(s);
        }
    }

    /**
     * Netty reports a leaked buffer only after it is collected and a new buffer is tracked: collect, then
     * allocate, a few times, so leaks show up while this watch still looks.
     */
    static void provokeLeakReports() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(100);
            for (int i = 0; i < 100; i++) {
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(256).release();
                io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(256).release();
            }
        }
    }

    /** Lines logged so far that a healthy server never writes. */
    List<String> problems() {
        synchronized (bad) {
            return List.copyOf(bad);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
