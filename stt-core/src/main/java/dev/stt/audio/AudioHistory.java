package dev.stt.audio;

import java.util.Arrays;

/**
 * The recent samples of one stream, addressed by their position on the stream's time line: what the VAD cuts
 * segments from, what an offline join or an interim decode re-reads. Dropping
 * old samples only moves a cursor; the array is compacted when the dropped part outweighs the kept
 * one, so trimming after every window costs nothing per window.
 */
public final class AudioHistory {

    private float[] buf = new float[16_000];
    /** Index in {@code buf} of the sample at time line position {@code start}. */
    private int head;
    private long start;
    private int length;

    public void append(float[] samples, int offset, int count) {
        if (head + length + count > buf.length) {
            if (head > 0 && length + count <= buf.length / 2) {
                System.arraycopy(buf, head, buf, 0, length);
            } else {
                float[] bigger = new float[Math.max(buf.length * 2, length + count)];
                System.arraycopy(buf, head, bigger, 0, length);
                buf = bigger;
            }
            head = 0;
        }
        System.arraycopy(samples, offset, buf, head + length, count);
        length += count;
    }

    public void append(float[] samples) {
        append(samples, 0, samples.length);
    }

    /** Position of the oldest sample still held. */
    public long start() {
        return start;
    }

    public long end() {
        return start + length;
    }

    /** Forgets samples before {@code position}; keeps everything from there on. */
    public void dropBefore(long position) {
        int drop = (int) Math.min(length, Math.max(0, position - start));
        head += drop;
        length -= drop;
        start += drop;
    }

    /** Samples [from, to) of the time line, clamped to what is still held. */
    public float[] slice(long from, long to) {
        long a = Math.max(from, start);
        long b = Math.min(to, end());
        if (b <= a) {
            return new float[0];
        }
        return Arrays.copyOfRange(buf, head + (int) (a - start), head + (int) (b - start));
    }

    public long startOf(long from) {
        return Math.max(from, start);
    }
}
