package dev.stt.vad;

import dev.stt.audio.AudioHistory;
import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechDecision;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechTurnTracker;
import dev.stt.segment.VadOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one stream into utterances with Silero's per-window speech probability: scores each window with
 * the model and leaves every decision to a {@link SpeechTurnTracker}, whose rules are documented (and
 * tested without the model) there; this class only keeps the audio those decisions cut.
 *
 * <p>Windows sit at fixed places on the stream's time line (every 512 samples at 16 kHz, 256 at 8 kHz,
 * counted from the start or from the last {@link #clear}), so the events depend only on the signal,
 * never on how it was chunked; a partial window waits for the next chunk.
 *
 * <p>Per-stream state is plain arrays (recurrent state, window, recent audio) and four small tensors
 * borrowed from the {@link SileroVad} until {@link #close()}. Not thread-safe: one per stream.
 */
public final class SileroSpeechSegmenter implements SpeechSegmenter {

    /** Audio kept after the detected end, capped by the silence window. */
    public static final int TRAILING_PAD_MS = SpeechTurnTracker.TRAILING_PAD_MS;

    private final SileroVad vad;
    private final int rate;
    private final VadOptions options;
    private final int window;
    private final int context;
    /** Context (the previous window's last samples) followed by the window being filled. */
    private final float[] input;
    private final float[] state = new float[SileroVad.STATE_SIZE];
    private final SileroVad.StreamTensors tensors;
    private final SpeechTurnTracker turns;
    private final AudioHistory history = new AudioHistory();
    private final List<SpeechDecision> decisions = new ArrayList<>();

    private int pending;
    private long position;
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
        this.turns = new SpeechTurnTracker(sampleRate, window, options);
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
                turns.accept(p, decisions);
                toEvents(decisions, events);
                history.dropBefore(turns.audioNeededFrom());
            }
        }
        return events;
    }

    /** Cuts the audio each decision names; empties {@code from}. */
    private void toEvents(List<SpeechDecision> from, List<SegmenterEvent> events) {
        for (SpeechDecision d : from) {
            switch (d) {
                case SpeechDecision.SpeechStarts s -> events.add(new SegmenterEvent.SpeechStarted(ms(s.atSample())));
                case SpeechDecision.SpeechStops s -> events.add(new SegmenterEvent.SpeechStopped(ms(s.atSample())));
                case SpeechDecision.SegmentCloses c -> {
                    closing = null;
                    events.add(new SegmenterEvent.SegmentClosed(segment(c.fromSample(), c.toSample())));
                }
            }
        }
        from.clear();
    }

    private SpeechSegment segment(long from, long to) {
        return new SpeechSegment(history.slice(from, to), rate, history.startOf(from));
    }

    @Override
    public List<SegmenterEvent> flush() {
        List<SegmenterEvent> events = new ArrayList<>(0);
        toEvents(turns.flush(position), events);
        return events;
    }

    @Override
    public SpeechSegment closingSegment() {
        SpeechDecision.SegmentCloses c = turns.closing();
        if (c == null) {
            return null;
        }
        if (closing == null || closing.startSample() != history.startOf(c.fromSample()) || closing.endSample() != c.toSample()) {
            closing = segment(c.fromSample(), c.toSample());
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
        pending = 0;
        turns.clear(position);
        history.dropBefore(position);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            vad.giveBack(tensors);
        }
    }

    private long ms(long sample) {
        return sample * 1000 / rate;
    }
}
