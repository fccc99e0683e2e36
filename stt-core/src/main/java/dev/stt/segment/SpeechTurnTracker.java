package dev.stt.segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides where speech starts and ends from one speech probability per window, with no model in sight:
 * the rules of a VAD segmenter as a pure function of the probabilities, so they are tested with
 * synthetic numbers. A model wrapper (Silero's in stt-vad) scores fixed windows of {@code windowSamples}
 * on the stream's time line and feeds the scores in, in order.
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
 *   <li><b>Too short.</b> Speech that ends before lasting {@code minSpeechMs} produces no decisions at all.
 *       That is why {@link SpeechDecision.SpeechStarts} is only decided once speech has lasted
 *       {@code minSpeechMs}: every started segment is later stopped and closed, at the price of
 *       announcing the start that much later. It still names the padded start.
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
 * <p>Not thread-safe: one per stream.
 */
public final class SpeechTurnTracker {

    /** Audio kept after the detected end, capped by the silence window. */
    public static final int TRAILING_PAD_MS = 200;

    /** How many windows before the triggering one a soft onset may reach back. */
    public static final int ONSET_LOOKBACK = 16;

    /**
     * How far Silero's probability lags a sound's onset: a word cut out of a sentence scores 0.33, 0.33,
     * then 0.99, and starts measured against aligned words are 14-57 ms late.
     */
    static final int DETECTION_LAG_WINDOWS = 2;

    private final int rate;
    private final int window;
    private final int pad;
    private final int trailingPad;
    private final int minSpeech;
    private final int silence;
    private final long maxSegment;
    private final float threshold;
    private final float release;

    /** Where the next window starts on the time line. */
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

    /**
     * @param sampleRate    the rate of the time line, to turn the options' milliseconds into samples
     * @param windowSamples the length of the window each probability scores
     */
    public SpeechTurnTracker(int sampleRate, int windowSamples, VadOptions options) {
        if (sampleRate <= 0 || windowSamples <= 0) {
            throw new IllegalArgumentException("sampleRate and windowSamples must be positive, got "
                    + sampleRate + " and " + windowSamples);
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use VadOptions.DEFAULTS)");
        }
        this.rate = sampleRate;
        this.window = windowSamples;
        this.pad = samples(options.prefixPaddingMs());
        this.trailingPad = samples(Math.min(TRAILING_PAD_MS, options.silenceDurationMs()));
        this.silence = samples(options.silenceDurationMs());
        this.maxSegment = (long) (options.maxSegmentSeconds() * sampleRate);
        // speech that must be confirmed before it may be split could otherwise outgrow the limit
        this.minSpeech = (int) Math.min((long) options.minSpeechMs() * sampleRate / 1000, maxSegment / 2);
        this.threshold = (float) options.threshold();
        this.release = (float) (options.threshold() - options.releaseOffset());
    }

    public int windowSamples() {
        return window;
    }

    /** Where the next window starts: every sample before it has been scored. */
    public long nextWindowStart() {
        return windowStart;
    }

    /** Decides on the probabilities of the next windows, in order; any split into calls decides the same. */
    public List<SpeechDecision> accept(float[] windowProbabilities, int offset, int length) {
        List<SpeechDecision> decisions = new ArrayList<>(0);
        for (int k = offset; k < offset + length; k++) {
            accept(windowProbabilities[k], decisions);
        }
        return decisions;
    }

    public List<SpeechDecision> accept(float... windowProbabilities) {
        return accept(windowProbabilities, 0, windowProbabilities.length);
    }

    /** Decides on the next window's probability, adding what it completed to {@code decisions}. */
    public void accept(float p, List<SpeechDecision> decisions) {
        long start = windowStart;
        windowStart += window;
        long end = windowStart;
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
            decisions.add(new SpeechDecision.SpeechStarts(segmentStart));
        }
        if (silenceStart >= 0 && end - silenceStart >= silence) {
            if (confirmed) {
                close(silenceStart, Math.min(silenceStart + trailingPad, end), decisions);
            } else {
                triggered = false; // a click or a cough: shorter than min_speech_ms
            }
        } else if (confirmed && end - segmentStart >= maxSegment) {
            split(decisions);
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
    private void split(List<SpeechDecision> decisions) {
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
        decisions.add(new SpeechDecision.SpeechStops(cut));
        decisions.add(new SpeechDecision.SegmentCloses(segmentStart, cut));
        decisions.add(new SpeechDecision.SpeechStarts(cut));
        lastSegmentEnd = cut;
        segmentStart = cut;
        speechStart = cut;
        int keep = probabilityCount - best - 1;
        System.arraycopy(probabilities, best + 1, probabilities, 0, keep);
        probabilityCount = keep;
        firstProbabilityAt += (long) (best + 1) * window;
    }

    private void close(long speechEnd, long audioEnd, List<SpeechDecision> decisions) {
        // the trailing pad (or a flush mid-window) must not push a segment over the limit
        long limit = segmentStart + maxSegment;
        decisions.add(new SpeechDecision.SpeechStops(Math.min(speechEnd, limit)));
        long to = Math.min(audioEnd, limit);
        decisions.add(new SpeechDecision.SegmentCloses(segmentStart, to));
        lastSegmentEnd = to;
        triggered = false;
        confirmed = false;
        silenceStart = -1;
        recentCount = 0;
    }

    /**
     * Ends the open speech now, at {@code position} (the samples heard so far, which may end inside a
     * window): its stop and close, preceded by its start when it was not confirmed yet but has lasted
     * {@code minSpeechMs}; nothing when no speech is open or it is too short.
     */
    public List<SpeechDecision> flush(long position) {
        List<SpeechDecision> decisions = new ArrayList<>(0);
        if (!triggered) {
            return decisions;
        }
        long speechEnd = silenceStart >= 0 ? silenceStart : position;
        if (!confirmed) {
            if (speechEnd - speechStart < minSpeech) {
                triggered = false;
                return decisions;
            }
            decisions.add(new SpeechDecision.SpeechStarts(segmentStart));
        }
        close(speechEnd, Math.min(speechEnd + trailingPad, position), decisions);
        return decisions;
    }

    /**
     * The close that comes if the current silence lasts out the silence window, once every window up to
     * its end is scored; otherwise null.
     */
    public SpeechDecision.SegmentCloses closing() {
        if (!confirmed || silenceStart < 0) {
            return null;
        }
        long to = Math.min(silenceStart + trailingPad, segmentStart + maxSegment);
        return windowStart < to ? null : new SpeechDecision.SegmentCloses(segmentStart, to);
    }

    /**
     * The earliest sample a later decision may still name: audio before it can be forgotten. With no
     * speech open, that is what a segment triggered by the next window could claim (its onset look-back
     * and prefix padding), a rule of the time line, not of how the audio was chunked.
     */
    public long audioNeededFrom() {
        if (triggered) {
            return lastSegmentEnd;
        }
        return Math.max(lastSegmentEnd, windowStart - (long) ONSET_LOOKBACK * window - pad);
    }

    /** Drops the open speech; the next window starts at {@code position} and nothing before it is claimed. */
    public void clear(long position) {
        triggered = false;
        confirmed = false;
        silenceStart = -1;
        recentCount = 0;
        windowStart = position;
        lastSegmentEnd = position;
    }

    private int samples(int millis) {
        return (int) ((long) millis * rate / 1000);
    }
}
