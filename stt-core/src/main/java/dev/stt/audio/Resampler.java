package dev.stt.audio;

import java.util.Arrays;

/**
 * Band-limited sample-rate conversion between any two rates, one-shot or streaming.
 *
 * <p>A windowed-sinc (Kaiser) low-pass evaluated as a polyphase filter: the rate pair is reduced to
 * {@code out/in = L/M} and output sample {@code k} sits at input time {@code k·M/L}, so it is the dot
 * product of the input around {@code floor(k·M/L)} with the filter phase {@code (k·M) mod L}. The filter
 * is flat (ripple under 0.003 dB measured) up to 40 % of the lower rate, i.e. 6.4 kHz for 16 kHz, and
 * attenuates by about 80 dB from 50 % of it (the lower rate's Nyquist), so nothing aliases into the output.
 * Its half-length is about 25 samples at the lower rate: a streaming instance holds back that much
 * look-ahead (1.6 ms when either side is 16 kHz).
 *
 * <p>A streaming instance keeps the last few input samples as history; feeding a signal in chunks of any
 * size gives exactly the same samples as {@link #resample one call}, which is defined as
 * {@code process(all) + flush()}. Output sample 0 is aligned with input sample 0 (no delay); a stream of
 * {@code n} input samples yields {@code ceil(n·out/in)} output samples in total. The filter tables are
 * computed once per rate pair and shared by all instances.
 *
 * <p>Instances are not thread-safe: one per stream.
 */
public final class Resampler {

    private static final int ONE_SHOT_BLOCK = 1 << 16;

    private final int inRate;
    private final int outRate;
    private final PolyphaseFilter filter;
    private final float[] scratchTaps;

    /** Input samples at absolute indices [historyStart, historyStart + historyLength). */
    private float[] history;
    private long historyStart;
    private int historyLength;
    /** Input samples received since construction or the last flush. */
    private long consumed;
    /** Output samples emitted since construction or the last flush. */
    private long produced;
    /** Integer input position and phase (in 1/L steps) of the next output sample. */
    private long nextBase;
    private int nextPhase;

    public Resampler(int inRate, int outRate) {
        this.inRate = checkRate("inRate", inRate);
        this.outRate = checkRate("outRate", outRate);
        this.filter = inRate == outRate ? null : PolyphaseFilter.forRates(inRate, outRate);
        this.scratchTaps = filter != null && filter.interpolated() ? new float[filter.taps()] : null;
        this.history = new float[filter == null ? 0 : Math.max(4096, 2 * filter.taps())];
        reset();
    }

    /**
     * Converts a whole signal: the same samples as streaming it through one instance and flushing. Works
     * through the input in blocks so the history never holds more than a block of a long recording.
     */
    public static float[] resample(float[] x, int inRate, int outRate) {
        Resampler r = new Resampler(inRate, outRate);
        long length = outputLength(x.length, inRate, outRate);
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(x.length + " samples at " + inRate + " Hz are too many at " + outRate + " Hz");
        }
        float[] out = new float[(int) length];
        int o = 0;
        for (int pos = 0; pos < x.length; pos += ONE_SHOT_BLOCK) {
            float[] y = r.process(x, pos, Math.min(ONE_SHOT_BLOCK, x.length - pos));
            System.arraycopy(y, 0, out, o, y.length);
            o += y.length;
        }
        float[] tail = r.flush();
        System.arraycopy(tail, 0, out, o, tail.length);
        return out;
    }

    /** Output samples a whole signal of {@code inputLength} samples turns into. */
    public static long outputLength(long inputLength, int inRate, int outRate) {
        return ceilDiv(inputLength * outRate, inRate);
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    public float[] process(float[] chunk) {
        return process(chunk, 0, chunk.length);
    }

    /**
     * Feeds {@code len} samples and returns every output sample whose filter window is now complete; the
     * rest come with later chunks or {@link #flush()}.
     */
    public float[] process(float[] chunk, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, chunk.length);
        if (filter == null) {
            consumed += len;
            produced += len;
            return Arrays.copyOfRange(chunk, off, off + len);
        }
        append(chunk, off, len);
        consumed += len;
        // output k needs input up to floor(k·M/L) + H, so k < (consumed - H)·L/M
        long ready = consumed > filter.half() ? ceilDiv((consumed - filter.half()) * filter.up(), filter.down()) : 0;
        float[] out = emit((int) Math.max(0, ready - produced));
        discardHistory();
        return out;
    }

    /**
     * Ends the stream: emits the remaining output samples as if the input were followed by silence, then
     * resets this instance so it can take a new stream.
     */
    public float[] flush() {
        if (filter == null) {
            reset();
            return new float[0];
        }
        long total = ceilDiv(consumed * filter.up(), filter.down());
        // the last output sits before input index consumed, so H samples of silence complete its window
        ensureCapacity(historyLength + filter.half());
        Arrays.fill(history, historyLength, historyLength + filter.half(), 0f);
        historyLength += filter.half();
        float[] out = emit((int) (total - produced));
        reset();
        return out;
    }

    private float[] emit(int count) {
        float[] out = new float[count];
        if (count == 0) {
            return out;
        }
        final int taps = filter.taps();
        final int up = filter.up();
        final int stepBase = filter.down() / up;
        final int stepPhase = filter.down() % up;
        final float[] x = history;
        final float[] table = filter.table();
        int idx = (int) (nextBase - (filter.half() - 1) - historyStart);
        int phase = nextPhase;
        for (int o = 0; o < count; o++) {
            float[] h;
            int hOff;
            if (scratchTaps == null) {
                h = table;
                hOff = phase * taps;
            } else {
                filter.interpolateTaps(phase, scratchTaps);
                h = scratchTaps;
                hOff = 0;
            }
            // four running sums: one sum is a chain of dependent adds the CPU cannot overlap (taps is even)
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            int t = 0;
            for (; t + 3 < taps; t += 4) {
                a0 += h[hOff + t] * x[idx + t];
                a1 += h[hOff + t + 1] * x[idx + t + 1];
                a2 += h[hOff + t + 2] * x[idx + t + 2];
                a3 += h[hOff + t + 3] * x[idx + t + 3];
            }
            for (; t < taps; t++) {
                a0 += h[hOff + t] * x[idx + t];
            }
            out[o] = (a0 + a1) + (a2 + a3);
            idx += stepBase;
            phase += stepPhase;
            if (phase >= up) {
                phase -= up;
                idx++;
            }
        }
        nextBase = historyStart + idx + (filter.half() - 1);
        nextPhase = phase;
        produced += count;
        return out;
    }

    private void append(float[] chunk, int off, int len) {
        ensureCapacity(historyLength + len);
        System.arraycopy(chunk, off, history, historyLength, len);
        historyLength += len;
    }

    private void ensureCapacity(int needed) {
        if (needed > history.length) {
            history = Arrays.copyOf(history, Math.max(needed, history.length * 2));
        }
    }

    /** Drops input no future output sample reaches back to. */
    private void discardHistory() {
        long keepFrom = nextBase - (filter.half() - 1);
        int drop = (int) Math.min(historyLength, keepFrom - historyStart);
        if (drop > 0) {
            System.arraycopy(history, drop, history, 0, historyLength - drop);
            historyLength -= drop;
            historyStart += drop;
        }
    }

    private void reset() {
        consumed = 0;
        produced = 0;
        nextBase = 0;
        nextPhase = 0;
        if (filter != null) {
            // the window of output 0 reaches H - 1 samples before the stream starts: silence
            historyStart = -(filter.half() - 1);
            historyLength = filter.half() - 1;
            Arrays.fill(history, 0, historyLength, 0f);
        }
    }

    private static int checkRate(String name, int rate) {
        if (rate <= 0 || rate > 768_000) {
            throw new IllegalArgumentException(name + " must be in 1..768000 Hz, got " + rate);
        }
        return rate;
    }

    static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
