package dev.stt.segment;

import java.util.Arrays;
import java.util.List;

/**
 * The segmenter of a stream without a VAD: it decides nothing, and the client's commit ({@link #flush})
 * is the only cut. Everything since the last commit or clear is one segment, silence included, so no
 * {@link SegmenterEvent.SpeechStarted} is ever reported: nothing detected speech.
 */
public final class ManualCommitSegmenter implements SpeechSegmenter {

    private final int rate;
    private float[] buffer = new float[0];
    private int length;
    /** Where the buffered audio starts on the stream's time line. */
    private long start;
    private long position;

    public ManualCommitSegmenter(int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        this.rate = sampleRate;
    }

    /** Opens one per stream at any rate; the VAD options do not apply, so they are ignored. */
    public static SpeechSegmenterFactory factory() {
        return new SpeechSegmenterFactory() {
            @Override
            public SpeechSegmenter open(int sampleRate, VadOptions options) {
                return new ManualCommitSegmenter(sampleRate);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    @Override
    public List<SegmenterEvent> accept(float[] samples, int offset, int length) {
        if (samples == null) {
            throw new IllegalArgumentException("samples must not be null");
        }
        if (offset < 0 || length < 0 || offset > samples.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " do not fit an array of " + samples.length + " samples");
        }
        if (this.length + length > buffer.length) {
            // doubling: a long uncommitted stream is copied a logarithmic number of times, not per chunk
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, this.length + length));
        }
        System.arraycopy(samples, offset, buffer, this.length, length);
        this.length += length;
        position += length;
        return List.of();
    }

    /** The commit: everything buffered becomes one segment, or nothing when no audio came since the last cut. */
    @Override
    public List<SegmenterEvent> flush() {
        if (length == 0) {
            return List.of();
        }
        SpeechSegment s = new SpeechSegment(Arrays.copyOf(buffer, length), rate, start);
        length = 0;
        start = position;
        return List.of(new SegmenterEvent.SpeechStopped(s.endMs()), new SegmenterEvent.SegmentClosed(s));
    }

    /** Audio taken since the last commit or clear, in milliseconds (a commit needs some to be worth it). */
    public long uncommittedMs() {
        return length * 1000L / rate;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void clear() {
        length = 0;
        start = position;
    }

    /** Holds no native state; the buffer goes with the object. */
    @Override
    public void close() {
    }
}
