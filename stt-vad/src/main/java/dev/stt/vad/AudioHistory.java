package dev.stt.vad;

import java.util.Arrays;

/** The recent samples of one stream, addressed by their position on the stream's time line. */
final class AudioHistory {

    private float[] buf = new float[16_000];
    private long start;
    private int length;

    void append(float[] samples, int offset, int count) {
        if (length + count > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + count));
        }
        System.arraycopy(samples, offset, buf, length, count);
        length += count;
    }

    long end() {
        return start + length;
    }

    /** Forgets samples before {@code position}; keeps everything from there on. */
    void dropBefore(long position) {
        int drop = (int) Math.min(length, Math.max(0, position - start));
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, length - drop);
            length -= drop;
            start += drop;
        }
    }

    /** Samples [from, to) of the time line, clamped to what is still held. */
    float[] slice(long from, long to) {
        long a = Math.max(from, start);
        long b = Math.min(to, end());
        if (b <= a) {
            return new float[0];
        }
        return Arrays.copyOfRange(buf, (int) (a - start), (int) (b - start));
    }

    long startOf(long from) {
        return Math.max(from, start);
    }
}
