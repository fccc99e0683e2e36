package dev.stt.vad;

import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.VadOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts one stream into utterances with Silero's per-window speech probability.
 *
 * <p>Windows sit at fixed places on the stream's time line (every 512 samples at 16 kHz), so the
 * events depend only on the signal, never on how it was chunked. Speech starts at the first window at
 * or above {@code threshold}; it ends at the first window below {@code threshold - releaseOffset} that
 * is followed by {@code silenceDurationMs} without a window back above {@code threshold}. Speech that
 * ends before lasting {@code minSpeechMs} produces no events at all, which is why
 * {@link SegmenterEvent.SpeechStarted} is only sent once speech has lasted that long. A closed segment
 * carries {@code prefixPaddingMs} of audio before the start and {@link #TRAILING_PAD_MS} after the end
 * (the model needs the tail of the last word); it never overlaps the previous segment.
 */
public final class SileroSpeechSegmenter implements SpeechSegmenter {

    /** Audio kept after the detected end, capped by the silence window. */
    public static final int TRAILING_PAD_MS = 200;

    private final SileroVad vad;
    private final int rate;
    private final VadOptions options;
    private final int window;
    private final int context;
    private final float[] input;
    private final float[] state = new float[SileroVad.STATE_SIZE];
    private final int pad;
    private final int trailingPad;
    private final int minSpeech;
    private final int silence;
    private final long maxSegment;
    private final float release;
    private final AudioHistory history = new AudioHistory();

    private int pending;
    private long position;
    private long windowStart;

    private boolean triggered;
    private boolean confirmed;
    private long speechStart;
    private long silenceStart = -1;
    private long segmentStart;
    private long lastSegmentEnd;
    private float[] probabilities = new float[256];
    private long firstProbabilityWindow;
    private int probabilityCount;
    private boolean closed;
    /** Probabilities of the windows before speech started, newest last: where the onset really began. */
    private static final int RECENT = 16;
    private final float[] recent = new float[RECENT];
    private int recentCount;

    SileroSpeechSegmenter(SileroVad vad, int sampleRate, VadOptions options) {
        if (sampleRate != 16_000 && sampleRate != 8_000) {
            throw new IllegalArgumentException("Silero VAD runs at 16000 or 8000 Hz, not " + sampleRate);
        }
        this.vad = vad;
        this.rate = sampleRate;
        this.options = options;
        this.window = sampleRate == 16_000 ? 512 : 256;
        this.context = sampleRate == 16_000 ? 64 : 32;
        this.input = new float[context + window];
        this.pad = samples(options.prefixPaddingMs());
        this.trailingPad = samples(Math.min(TRAILING_PAD_MS, options.silenceDurationMs()));
        this.minSpeech = samples(options.minSpeechMs());
        this.silence = samples(options.silenceDurationMs());
        this.maxSegment = (long) (options.maxSegmentSeconds() * sampleRate);
        this.release = (float) (options.threshold() - options.releaseOffset());
    }

    @Override
    public int sampleRate() {
        return rate;
    }

    public VadOptions options() {
        return options;
    }

    @Override
    public List<SegmenterEvent> accept(float[] samples, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("segmenter is closed");
        }
        List<SegmenterEvent> events = new ArrayList<>(0);
        history.append(samples, offset, length);
        position += length;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int take = Math.min(window - pending, end - i);
            System.arraycopy(samples, i, input, context + pending, take);
            pending += take;
            i += take;
            if (pending == window) {
                float p = vad.probability(input, state, rate);
                // the last samples of this window are the next window's context
                System.arraycopy(input, window, input, 0, context);
                pending = 0;
                onWindow(p, windowStart, events);
                windowStart += window;
            }
        }
        if (!triggered) {
            history.dropBefore(Math.max(lastSegmentEnd, windowStart - pad - window));
        }
        return events;
    }

    private void onWindow(float p, long start, List<SegmenterEvent> events) {
        long end = start + window;
        if (!triggered) {
            if (p < options.threshold()) {
                recent[recentCount++ % RECENT] = p;
                return;
            }
            triggered = true;
            confirmed = false;
            speechStart = onsetBefore(start);
            silenceStart = -1;
            segmentStart = Math.max(lastSegmentEnd, speechStart - pad);
            firstProbabilityWindow = start / window;
            probabilityCount = 0;
        }
        record(p);
        if (p >= options.threshold()) {
            silenceStart = -1;
        } else if (p < release && silenceStart < 0) {
            silenceStart = start;
        }
        long spoken = (silenceStart >= 0 ? silenceStart : end) - speechStart;
        if (!confirmed && spoken >= minSpeech) {
            confirmed = true;
            events.add(new SegmenterEvent.SpeechStarted(ms(segmentStart)));
        }
        if (silenceStart >= 0 && end - silenceStart >= silence) {
            if (confirmed) {
                close(silenceStart, Math.min(silenceStart + trailingPad, end), events);
            } else {
                triggered = false; // a click or a cough: shorter than min_speech_ms
            }
        } else if (confirmed && end - segmentStart >= maxSegment) {
            split(events);
        }
    }

    /**
     * Soft onsets (a breath, an unvoiced consonant) score between the two thresholds for a window or
     * more before crossing {@code threshold}: speech starts at the first of those windows.
     */
    private long onsetBefore(long start) {
        long onset = start;
        for (int back = 1; back <= RECENT && back <= recentCount; back++) {
            long at = start - (long) back * window;
            if (at < lastSegmentEnd || recent[(recentCount - back) % RECENT] < release) {
                break;
            }
            onset = at;
        }
        return onset;
    }

    private void record(float p) {
        if (probabilityCount == probabilities.length) {
            probabilities = Arrays.copyOf(probabilities, probabilityCount * 2);
        }
        probabilities[probabilityCount++] = p;
    }

    /** Too long: cut at the least speech-like window of the later half, and go on with a new segment. */
    private void split(List<SegmenterEvent> events) {
        long from = segmentStart + maxSegment / 2;
        int best = -1;
        for (int k = 0; k < probabilityCount; k++) {
            long at = (firstProbabilityWindow + k) * window;
            if (at >= from && (best < 0 || probabilities[k] < probabilities[best])) {
                best = k;
            }
        }
        if (best < 0) {
            best = probabilityCount - 1;
        }
        long cut = (firstProbabilityWindow + best) * window + window / 2;
        events.add(new SegmenterEvent.SpeechStopped(ms(cut)));
        events.add(new SegmenterEvent.SegmentClosed(new SpeechSegment(history.slice(segmentStart, cut), rate, history.startOf(segmentStart))));
        events.add(new SegmenterEvent.SpeechStarted(ms(cut)));
        lastSegmentEnd = cut;
        segmentStart = cut;
        speechStart = cut;
        int keep = probabilityCount - best - 1;
        System.arraycopy(probabilities, best + 1, probabilities, 0, keep);
        probabilityCount = keep;
        firstProbabilityWindow += best + 1;
        history.dropBefore(cut);
    }

    private void close(long speechEnd, long audioEnd, List<SegmenterEvent> events) {
        events.add(new SegmenterEvent.SpeechStopped(ms(speechEnd)));
        events.add(new SegmenterEvent.SegmentClosed(
                new SpeechSegment(history.slice(segmentStart, audioEnd), rate, history.startOf(segmentStart))));
        lastSegmentEnd = audioEnd;
        triggered = false;
        confirmed = false;
        silenceStart = -1;
    }

    @Override
    public List<SegmenterEvent> flush() {
        List<SegmenterEvent> events = new ArrayList<>(0);
        if (!triggered) {
            return events;
        }
        long speechEnd = silenceStart >= 0 ? silenceStart : position;
        if (!confirmed) {
            if (speechEnd - speechStart < minSpeech) {
                triggered = false;
                return events;
            }
            events.add(new SegmenterEvent.SpeechStarted(ms(segmentStart)));
        }
        close(speechEnd, Math.min(speechEnd + trailingPad, position), events);
        return events;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void clear() {
        triggered = false;
        confirmed = false;
        silenceStart = -1;
        lastSegmentEnd = position;
        history.dropBefore(position);
    }

    @Override
    public void close() {
        closed = true;
    }

    private int samples(int millis) {
        return (int) ((long) millis * rate / 1000);
    }

    private long ms(long sample) {
        return sample * 1000 / rate;
    }
}
