package dev.stt.server.openai;

import java.util.Arrays;

/**
 * The last few seconds of a session's input audio at its own rate, on the stream's time line, so an
 * open speech segment can be re-decoded for interim text without the session handing out its buffers.
 * Not thread-safe.
 */
final class RecentAudio {

    private final int capacity;
    private float[] samples = new float[0];
    private long start; // stream index of samples[0]
    private int length;

    /** @param capacity samples kept; older ones are dropped */
    RecentAudio(int capacity) {
        this.capacity = capacity;
    }

    long end() {
        return start + length;
    }

    void append(float[] x) {
        if (length + x.length > samples.length) {
            samples = Arrays.copyOf(samples, Math.min(Math.max(samples.length * 2, length + x.length), capacity + x.length));
        }
        System.arraycopy(x, 0, samples, length, x.length);
        length += x.length;
        if (length > capacity) {
            int drop = length - capacity;
            System.arraycopy(samples, drop, samples, 0, capacity);
            start += drop;
            length = capacity;
        }
    }

    /** Audio from stream index {@code from} to the end; empty when that audio is no longer (or not yet) held. */
    float[] since(long from) {
        if (from < start || from >= end()) {
            return new float[0];
        }
        return Arrays.copyOfRange(samples, (int) (from - start), length);
    }
}
