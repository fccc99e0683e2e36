package dev.stt.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Fails a read that waits longer than a limit for data. HttpClient's request timeout stops at the
 * response headers, so a server that stalls mid-body would otherwise hang a download for ever. A
 * watchdog thread closes the stream when one read has been blocked too long, which unblocks it.
 */
final class InactivityTimeoutInputStream extends FilterInputStream {

    private final long limitNanos;
    private final Duration limit;
    private final Thread watchdog;
    /** When the read in progress began, or 0 when no read is in progress. */
    private volatile long readSince;
    private volatile boolean stalled;
    private volatile boolean closed;

    InactivityTimeoutInputStream(InputStream in, Duration limit) {
        super(in);
        this.limit = limit;
        this.limitNanos = limit.toNanos();
        this.watchdog = Thread.ofVirtual().name("stt-download-watchdog").start(this::watch);
    }

    private void watch() {
        while (!closed) {
            long since = readSince;
            long now = System.nanoTime();
            if (since != 0 && now - since >= limitNanos) {
                stalled = true;
                try {
                    in.close();
                } catch (IOException ignored) {
                    // the blocked read reports the stall; nothing more to do here
                }
                return;
            }
            long wait = since == 0 ? limitNanos : limitNanos - (now - since);
            LockSupport.parkNanos(Math.max(wait, 1_000_000L));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (stalled) {
            throw stallError(null);
        }
        readSince = nonZeroNow();
        try {
            int n = in.read(b, off, len);
            if (stalled) {
                throw stallError(null);
            }
            return n;
        } catch (IOException e) {
            throw stalled ? stallError(e) : e;
        } finally {
            readSince = 0;
        }
    }

    /** Thrown by a read that waited too long. */
    static final class StalledException extends IOException {
        StalledException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private IOException stallError(IOException cause) {
        String wait = limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
        return new StalledException("no data for " + wait + ", the download stalled (the limit is "
                + ModelStore.STALL_TIMEOUT_ENV + ", in seconds)", cause);
    }

    private static long nonZeroNow() {
        long t = System.nanoTime();
        return t == 0 ? 1 : t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        LockSupport.unpark(watchdog);
        super.close();
    }
}
