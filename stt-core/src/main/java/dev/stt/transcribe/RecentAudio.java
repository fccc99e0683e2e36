package dev.stt.transcribe;

import java.util.Arrays;

/** The tail of a 16 kHz stream, addressed by absolute sample index, that a joined piece may still be cut from. */
final class RecentAudio {

    private float[] samples = new float[1 << 16];
    /** Absolute index of {@code samples[0]}. */
    private long start;
    private int length;

    long start() {
        return start;
    }

    long end() {
        return start + length;
    }

    void append(float[] x) {
        if (length + x.length > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(samples.length * 2, length + x.length));
        }
        System.arraycopy(x, 0, samples, length, x.length);
        length += x.length;
    }

    /** Drops samples before {@code index}; the buffer keeps its capacity, so a steady stream stops allocating. */
    void forgetBefore(long index) {
        int drop = (int) Math.min(length, Math.max(0, index - start));
        if (drop == 0) {
            return;
        }
        System.arraycopy(samples, drop, samples, 0, length - drop);
        length -= drop;
        start += drop;
    }

    /** Samples [from, to), clipped to what is kept. */
    float[] slice(long from, long to) {
        int a = (int) Math.max(0, from - start);
        int b = (int) Math.max(a, Math.min(length, to - start));
        return Arrays.copyOfRange(samples, a, b);
    }
}
