package dev.stt.audio;

/** A declared sample rate outside what is transcribed: refused before a sample is decoded or resampled. */
public final class SampleRateException extends AudioFormatException {

    /** Rates outside this range are not audio anyone records speech at, only headers written to hurt. */
    public static final int MIN_RATE = 1_000;
    public static final int MAX_RATE = 384_000;

    public SampleRateException(long rate) {
        super("sample rate " + rate + " Hz is outside the " + MIN_RATE + ".." + MAX_RATE + " Hz this reader accepts");
    }

    /** @throws SampleRateException when {@code rate} is outside [{@link #MIN_RATE}, {@link #MAX_RATE}] */
    public static int check(int rate) throws SampleRateException {
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw new SampleRateException(rate);
        }
        return rate;
    }
}
