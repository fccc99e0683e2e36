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
 * <p>Windows sit at fixed places on the stream's time line (every 512 samples at 16 kHz, 256 at 8 kHz,
 * counted from the start or from the last {@link #clear}), so the events depend only on the signal,
 * never on how it was chunked; a partial window waits for the next chunk.
 *
 * <ul>
 *   <li><b>Start.</b> Speech starts at the first window at or above {@code threshold}, moved back over
 *       the directly preceding windows at or above {@code threshold - releaseOffset} (a soft onset: a
 *       breath, an unvoiced consonant), at most {@value #ONSET_LOOKBACK} windows. If it dips below the
 *       release threshold and comes back before it is confirmed, and the prefix padding of the run that
 *       comes back reaches the first one, the segment starts at that padding: the first was a breath
 *       or a click, and its audio stays in the segment ({@code min_speech_ms} still counts from it).</li>
 *   <li><b>End.</b> Speech ends at the first window below {@code threshold - releaseOffset} that is
 *       followed by {@code silenceDurationMs} without a window back at or above {@code threshold}.</li>
 *   <li><b>Too short.</b> Speech that ends before lasting {@code minSpeechMs} produces no events at all.
 *       That is why {@link SegmenterEvent.SpeechStarted} is only sent once speech has lasted
 *       {@code minSpeechMs}: every started segment is later stopped and closed, at the price of
 *       announcing the start that much later. Its {@code audioStartMs} is still the padded start.
 *       ({@code minSpeechMs} counts at most half of {@code maxSegmentSeconds}.)</li>
 *   <li><b>Padding.</b> A closed segment carries {@code prefixPaddingMs} of audio before the start and
 *       {@link #TRAILING_PAD_MS} (at most {@code silenceDurationMs}) after the end, because the
 *       recogniser needs the decay of the last word, like faster-whisper's {@code speech_pad_ms}. It
 *       never overlaps the previous segment.</li>
 *   <li><b>Too long.</b> Once a segment reaches {@code maxSegmentSeconds} (padding included) it is cut
 *       at the centre of its least speech-like window in the later half, and the rest goes on as a new
 *       segment starting exactly there: nothing is dropped, and each piece stays within the limit.</li>
 * </ul>
 *
 * <p>Per-stream state is plain arrays (recurrent state, window, recent audio) and four small tensors
 * borrowed from the {@link SileroVad} until {@link #close()}. Not thread-safe: one per stream.
 */
public final class SileroSpeechSegmenter implements SpeechSegmenter {

    /** Audio kept after the detected end, capped by the silence window. */
    public static final int TRAILING_PAD_MS = 200;

    /** How many windows before the triggering one a soft onset may reach back. */
    static final int ONSET_LOOKBACK = 16;

    /**
     * How far Silero's probability lags a sound's onset: a word cut out of a sentence scores 0.33, 0.33,
     * then 0.99, and starts measured against aligned words are 14-57 ms late.
     */
    static final int DETECTION_LAG_WINDOWS = 2;

    private final SileroVad vad;
    private final int rate;
    private final VadOptions options;
    private final int window;
    private final int context;
    /** Context (the previous window's last samples) followed by the window being filled. */
    private final float[] input;
    private final float[] state = new float[SileroVad.STATE_SIZE];
    private final SileroVad.StreamTensors tensors;
    private final int pad;
    private final int trailingPad;
    private final int minSpeech;
    private final int silence;
    private final long maxSegment;
    private final float threshold;
    private final float release;
    private final AudioHistory history = new AudioHistory();

    private int pending;
    private long position;
    /** Where the window being filled starts on the time line. */
    private long windowStart;

    private boolean triggered;
    private boolean confirmed;
    private long speechStart;
    private long silenceStart = -1;
    private long segmentStart;
    private long lastSegmentEnd;
    /** Probabilities of the open segment's windows, the first one starting at {@code firstProbabilityAt}. */
    private float[] probabilities = new float[256];
    private long firstProbabilityAt;
    private int probabilityCount;
    /** Probabilities of the contiguous windows right before the current one, while no speech is open. */
    private final float[] recent = new float[ONSET_LOOKBACK];
    private int recentNext;
    private int recentCount;
    private boolean closed;
    /** What {@link #closingSegment()} last returned, kept so one pause copies its audio once. */
    private SpeechSegment closing;

    SileroSpeechSegmenter(SileroVad vad, int sampleRate, VadOptions options) {
        if (sampleRate != 16_000 && sampleRate != 8_000) {
            throw new IllegalArgumentException("Silero VAD runs at 16000 or 8000 Hz, not " + sampleRate);
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use VadOptions.DEFAULTS)");
        }
        this.vad = vad;
        this.rate = sampleRate;
        this.options = options;
        this.window = SileroVad.windowSize(sampleRate);
        this.context = SileroVad.contextSize(sampleRate);
        this.input = new float[context + window];
        this.pad = samples(options.prefixPaddingMs());
        this.trailingPad = samples(Math.min(TRAILING_PAD_MS, options.silenceDurationMs()));
        this.silence = samples(options.silenceDurationMs());
        this.maxSegment = (long) (options.maxSegmentSeconds() * sampleRate);
        // speech that must be confirmed before it may be split could otherwise outgrow the limit
        this.minSpeech = (int) Math.min((long) options.minSpeechMs() * sampleRate / 1000, maxSegment / 2);
        this.threshold = (float) options.threshold();
        this.release = (float) (options.threshold() - options.releaseOffset());
        this.tensors = vad.borrowTensors(sampleRate); // last: nothing after it can fail and keep them
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
        if (samples == null) {
            throw new IllegalArgumentException("samples must not be null");
        }
        if (offset < 0 || length < 0 || offset > samples.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " do not fit an array of " + samples.length + " samples");
        }
        List<SegmenterEvent> events = new ArrayList<>(0);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int take = Math.min(window - pending, end - i);
            System.arraycopy(samples, i, input, context + pending, take);
            // window by window, so that a whole recording in one call is not copied whole
            history.append(samples, i, take);
            position += take;
            pending += take;
            i += take;
            if (pending == window) {
                float p = vad.probability(tensors, input, state);
                // the last samples of this window are the next window's context
                System.arraycopy(input, window, input, 0, context);
                pending = 0;
                onWindow(p, windowStart, events);
                windowStart += window;
                if (!triggered) {
                    // Keep exactly what a segment triggered by a later window could claim (its onset
                    // look-back and prefix padding): a rule of the time line, not of the chunking.
                    history.dropBefore(Math.max(lastSegmentEnd, windowStart - (long) ONSET_LOOKBACK * window - pad));
                }
            }
        }
        return events;
    }

    private void onWindow(float p, long start, List<SegmenterEvent> events) {
        long end = start + window;
        if (!triggered) {
            if (p < threshold) {
                remember(p);
                return;
            }
            triggered = true;
            confirmed = false;
            speechStart = onsetBefore(start);
            silenceStart = -1;
            segmentStart = Math.max(lastSegmentEnd, speechStart - pad);
            firstProbabilityAt = start;
            probabilityCount = 0;
            recentCount = 0;
        }
        record(p);
        if (p >= threshold) {
            if (silenceStart >= 0 && !confirmed) {
                restartAfterDip(start);
            }
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
     * Speech resumes before it was confirmed: a breath or a click may have triggered it. If the padding
     * before the resumed run still reaches back to where the first run was detected, the segment starts
     * at that padding, keeping the first run with {@link #DETECTION_LAG_WINDOWS} before it. Otherwise the
     * start stays, so that a short word before a pause is never cut off. {@code min_speech_ms} still
     * counts from the first run: which speech is kept does not change, only where its segment starts.
     */
    private void restartAfterDip(long start) {
        long onset = start;
        for (int k = probabilityCount - 2, back = 1; k >= 0 && back <= ONSET_LOOKBACK; k--, back++) {
            if (probabilities[k] < release) {
                break;
            }
            onset = firstProbabilityAt + (long) k * window;
        }
        if (onset - pad <= speechStart) {
            long keepFirstRun = speechStart - (long) DETECTION_LAG_WINDOWS * window;
            segmentStart = Math.max(lastSegmentEnd, Math.max(segmentStart, Math.min(onset - pad, keepFirstRun)));
        }
    }

    private void remember(float p) {
        recent[recentNext] = p;
        recentNext = (recentNext + 1) % ONSET_LOOKBACK;
        recentCount = Math.min(recentCount + 1, ONSET_LOOKBACK);
    }

    /**
     * Soft onsets score between the two thresholds for a window or more before crossing
     * {@code threshold}: speech starts at the first of those windows.
     */
    private long onsetBefore(long start) {
        long onset = start;
        for (int back = 1; back <= recentCount; back++) {
            long at = start - (long) back * window;
            float p = recent[Math.floorMod(recentNext - back, ONSET_LOOKBACK)];
            if (at < lastSegmentEnd || p < release) {
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
            long at = firstProbabilityAt + (long) k * window;
            if (at >= from && (best < 0 || probabilities[k] < probabilities[best])) {
                best = k;
            }
        }
        if (best < 0) {
            best = probabilityCount - 1;
        }
        long cut = firstProbabilityAt + (long) best * window + window / 2;
        events.add(new SegmenterEvent.SpeechStopped(ms(cut)));
        events.add(new SegmenterEvent.SegmentClosed(segment(segmentStart, cut)));
        events.add(new SegmenterEvent.SpeechStarted(ms(cut)));
        lastSegmentEnd = cut;
        segmentStart = cut;
        speechStart = cut;
        int keep = probabilityCount - best - 1;
        System.arraycopy(probabilities, best + 1, probabilities, 0, keep);
        probabilityCount = keep;
        firstProbabilityAt += (long) (best + 1) * window;
        history.dropBefore(cut);
    }

    private void close(long speechEnd, long audioEnd, List<SegmenterEvent> events) {
        // the trailing pad (or a flush mid-window) must not push a segment over the limit
        long limit = segmentStart + maxSegment;
        events.add(new SegmenterEvent.SpeechStopped(ms(Math.min(speechEnd, limit))));
        long to = Math.min(audioEnd, limit);
        events.add(new SegmenterEvent.SegmentClosed(segment(segmentStart, to)));
        lastSegmentEnd = to;
        closing = null;
        triggered = false;
        confirmed = false;
        silenceStart = -1;
        recentCount = 0;
    }

    private SpeechSegment segment(long from, long to) {
        return new SpeechSegment(history.slice(from, to), rate, history.startOf(from));
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
    public SpeechSegment closingSegment() {
        if (!confirmed || silenceStart < 0) {
            return null;
        }
        // the bounds close() will use once the silence window is over
        long to = Math.min(silenceStart + trailingPad, segmentStart + maxSegment);
        if (windowStart < to) {
            return null;
        }
        if (closing == null || closing.startSample() != history.startOf(segmentStart) || closing.endSample() != to) {
            closing = segment(segmentStart, to);
        }
        return closing;
    }

    @Override
    public long position() {
        return position;
    }

    /**
     * Drops the open utterance and the partial window; later windows are counted from here. The
     * recurrent state stays: the audio goes on, only what was heard so far is discarded.
     */
    @Override
    public void clear() {
        closing = null;
        triggered = false;
        confirmed = false;
        silenceStart = -1;
        recentCount = 0;
        pending = 0;
        windowStart = position;
        lastSegmentEnd = position;
        history.dropBefore(position);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vad.giveBack(tensors);
        }
    }

    private int samples(int millis) {
        return (int) ((long) millis * rate / 1000);
    }

    private long ms(long sample) {
        return sample * 1000 / rate;
    }
}
