package dev.stt.session;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioHistory;
import dev.stt.audio.Pcm16;
import dev.stt.audio.Resampler;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.segment.ManualCommitSegmenter;
import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's stream: audio in at any rate → 16 kHz → speech segmenter → engine → results, in order.
 * Every door (the original protocol, OpenAI Realtime) is a thin adapter over this class.
 *
 * <p>Calls may come from any thread. Audio work runs one task at a time per session on the shared audio
 * pool; transcription runs one segment at a time per session on the shared inference workers, which
 * keeps results in order while different sessions proceed in parallel. A pause may start the decode
 * of the pausing utterance before its segment closes ({@link EarlyDecode}); the result waits for its turn.
 */
public final class TranscriptionSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TranscriptionSession.class);
    public static final int RATE = SttEngine.SAMPLE_RATE;
    public static final int MIN_RATE = 8_000;
    public static final int MAX_RATE = 48_000;
    /** Early decodes started and those whose result became a segment's answer, process-wide (metrics). */
    private static final java.util.concurrent.atomic.LongAdder EARLY_STARTED = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder EARLY_USED = new java.util.concurrent.atomic.LongAdder();
    /** Interim decodes started, skipped (no worker was spare in time), reported, and dropped as stale (metrics). */
    private static final java.util.concurrent.atomic.LongAdder INTERIM_STARTED = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder INTERIM_SKIPPED = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder INTERIM_REPORTED = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder INTERIM_DROPPED = new java.util.concurrent.atomic.LongAdder();
    /** An interim decode re-reads at most this much of a long utterance: its cost stays bounded. */
    private static final int MAX_INTERIM_SECONDS = 20;
    /**
     * Interim decodes are due at these points of the open utterance (ms), then each time it has doubled, and
     * never closer than the session's interval: 1, 1.75, 3, 6, 12, 24 s. Each decode re-encodes the utterance
     * so far and checks what was settled in one run, so its cost is mostly fixed plus its length: a fixed
     * 500 ms cadence made a turn cost the square of its length and 3.6-5.7x the CPU of its final decode.
     * Measured on the repo's ten clips, each one turn (each decode beginning with what the earlier ones
     * settled, then the decode at the pause; deltas per clip, decodes per clip, decoder runs and encoded audio
     * of interim and final decodes against one plain decode, WER; {@code bench/java.sh
     * dev.stt.bench.InterimPolicy}): provisional decodes at 1, 1.75, 3, 6, 12 s: 3.3, 2.9, 1.21x, 2.1x,
     * 1.99 %; at 1.5, 3, 6, 12 s: 2.6, 1.9, 1.12x, 1.9x, 1.99 %; at 1, 2, 4, 8 s: 3.2, 2.7, 1.20x, 2.2x, 3.31 %;
     * whole decodes (agreeing in pairs) at 1, 1.75, 3, 6, 12 s: 2.8, 2.9, 1.50x, 2.1x, 1.99 %. The first point:
     * an utterance's first half second is mostly the VAD's pre-roll.
     */
    static final int[] INTERIM_POINTS_MS = {1_000, 1_750, 3_000};


    private final Pipeline pipeline;
    private final SessionConfig config;
    private final SessionListener listener;
    private final SerialExecutor audio;
    private final SpeechSegmenter segmenter;
    private final AtomicLong bufferedSamples = new AtomicLong();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final long maxBuffered;

    // audio thread only
    private int rate = RATE;
    private Resampler resampler;
    private long nextId = 1;
    /** The open utterance's audio for interim decodes, and where it began; -1 when no speech is open. */
    private final AudioHistory recent = new AudioHistory();
    private long utteranceStart = -1;
    private long utteranceStartMs;
    /** Samples of open utterance at which the next interim decode is due (0: the first of INTERIM_POINTS_MS). */
    private long interimDue;
    /** The interim decode waiting for a worker or running. */
    private InterimWait interimWait;
    /** The end (sample) of the audio the last interim decode a worker took heard: its successor's budget starts there. */
    private volatile long interimHeardThrough;
    /** One interim decode at a time per session: a later one would begin from an agreement not yet made. */
    private final java.util.concurrent.atomic.AtomicBoolean interimRunning = new java.util.concurrent.atomic.AtomicBoolean();
    /** Bumped when an utterance closes or is cleared, under {@code interimLock}: an older decode's text is stale. */
    private long utterance;
    private final Object interimLock = new Object();
    /** What the open utterance's decodes agree on, and the end (sample) of the audio that agreement heard. */
    private SettledText agreement = new SettledText();
    private long agreedThrough;
    /** Starts as the config's; a client may turn interim text on or off mid-stream. */
    private volatile int interimMs;
    /** Starts as the config's; a client may ask for word times mid-stream (the next segments have them). */
    private volatile TranscribeOptions transcribe;
    /** The pause already considered for an early decode, and that decode (waiting for a worker, or taken by one). */
    private SpeechSegment earlyFor;
    private EarlyDecode early;
    /** How {@link #early} waits for a worker, to forget it when cancelled. */
    private InferenceExecutor.Waiting earlyWait;
    /** Whether this session counts in the inference workers' closing turns (a pause, no decode of it yet). */
    private boolean closingCounted;

    // guarded by queue
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean inFlight;
    private volatile boolean closed;

    /**
     * @param options how to decode it: the session's options, beginning with what its interim decodes agreed
     * @param early   a decode of the same audio already under way, or null
     */
    private record Pending(ClosedSegment segment, TranscribeOptions options, String refusal, EarlyDecode early) {
    }

    TranscriptionSession(Pipeline pipeline, SessionConfig config, SessionListener listener) {
        this.pipeline = pipeline;
        this.config = config;
        this.listener = listener;
        this.audio = new SerialExecutor(pipeline.audioPool());
        this.segmenter = config.vad() == null ? new ManualCommitSegmenter(RATE) : pipeline.vad().open(RATE, config.vad());
        this.maxBuffered = (long) (config.maxBufferedSeconds() * RATE);
        this.interimMs = config.interimIntervalMs();
        this.transcribe = config.transcribe();
    }

    /** Word times on (or off) for the segments that close from now on. */
    public void wordTimestamps(boolean on) {
        transcribe = transcribe.withTimestamps(on);
    }

    /** Turns interim text on (decodes at least {@code ms} of open speech apart) or off (0) from the next audio on. */
    public void interimIntervalMs(int ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("interim interval must be >= 0 ms, got " + ms);
        }
        interimMs = ms;
    }

    public SessionConfig config() {
        return config;
    }

    /** Early decodes started so far in this process; see {@link EarlyDecode}. */
    public static long earlyDecodesStarted() {
        return EARLY_STARTED.sum();
    }

    /** Early decodes whose result answered the segment that closed (the rest were dropped: speech came back). */
    public static long earlyDecodesUsed() {
        return EARLY_USED.sum();
    }

    /**
     * Interim decodes by outcome, process-wide: started, skipped (cancelled while it waited for a spare worker:
     * its turn paused or closed, or a fresher one took its place), reported, dropped (stale).
     */
    public static long interimDecodes(String outcome) {
        return switch (outcome) {
            case "started" -> INTERIM_STARTED.sum();
            case "skipped" -> INTERIM_SKIPPED.sum();
            case "reported" -> INTERIM_REPORTED.sum();
            case "dropped" -> INTERIM_DROPPED.sum();
            default -> throw new IllegalArgumentException("no interim outcome '" + outcome + "'");
        };
    }

    /** Checks a rate before any audio is taken, so a bad message is refused whole. */
    public static void checkRate(int sampleRate) throws AudioFormatException {
        if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
            throw new AudioFormatException("sample_rate must be between " + MIN_RATE + " and " + MAX_RATE + " Hz, got " + sampleRate);
        }
    }

    /** PCM16 LE mono at {@code sampleRate}. @return false when refused for overload (the listener was told why) */
    public boolean appendPcm16(byte[] pcm, int sampleRate) throws AudioFormatException {
        checkRate(sampleRate);
        return append(Pcm16.decode(pcm), sampleRate);
    }

    /** @return false when refused for overload (the listener was told why) */
    public boolean append(float[] samples, int sampleRate) throws AudioFormatException {
        checkRate(sampleRate);
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        long at16k = (long) samples.length * RATE / sampleRate;
        if (bufferedSamples.get() + at16k > maxBuffered) {
            listener.rejected(String.format("audio arrives faster than it can be processed: %.1f s already waiting (limit %.0f s); "
                    + "this append of %d samples was not taken", bufferedSamples.get() / (double) RATE, config.maxBufferedSeconds(), samples.length));
            return false;
        }
        bufferedSamples.addAndGet(at16k);
        submitAudio(() -> {
            try {
                take(samples, sampleRate);
            } finally {
                bufferedSamples.addAndGet(-at16k);
            }
        });
        return true;
    }

    /** Closes the open utterance now (end of input): it is transcribed like any other. */
    public void commit() {
        submitAudio(() -> {
            drainResampler();
            handle(segmenter.flush());
            listener.committed(nextId - 1);
        });
    }

    /** Drops the open utterance and audio not yet cut. */
    public void clear() {
        submitAudio(() -> {
            segmenter.clear();
            dropEarly();
            endUtterance();
        });
    }

    /** Milliseconds of audio buffered in manual (no VAD) mode, for the 100 ms commit rule. */
    public long uncommittedMs() {
        return segmenter instanceof ManualCommitSegmenter m ? m.uncommittedMs() : 0;
    }

    /** Tasks and segments not yet finished: 0 when the session is idle. */
    public int outstanding() {
        return outstanding.get();
    }

    private void submitAudio(Runnable task) {
        outstanding.incrementAndGet();
        audio.execute(() -> {
            try {
                if (!closed) {
                    task.run();
                }
            } catch (RuntimeException e) {
                log.warn("audio processing failed", e);
                listener.rejected("audio processing failed: " + e.getMessage());
            } catch (Error e) {
                log.warn("audio processing failed", e);
                listener.rejected("audio processing failed: internal error");
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
            } finally {
                outstanding.decrementAndGet();
            }
        });
    }

    private void take(float[] samples, int sampleRate) {
        if (sampleRate != rate) {
            drainResampler();
            rate = sampleRate;
            resampler = rate == RATE ? null : new Resampler(rate, RATE);
        }
        feed(resampler == null ? samples : resampler.process(samples));
    }

    /** A rate change or a commit ends the resampler's stream: its tail still belongs to the audio. */
    private void drainResampler() {
        if (resampler != null) {
            feed(resampler.flush());
            resampler = new Resampler(rate, RATE);
        }
    }

    private void feed(float[] x) {
        handle(segmenter.accept(x));
        decodeEarly();
        countClosingTurn(segmenter.closingSegment() != null && early == null);
        int every = interimMs;
        if (every > 0) {
            keepForInterim(x, every);
        }
    }

    private void handle(List<SegmenterEvent> events) {
        for (SegmenterEvent e : events) {
            switch (e) {
                case SegmenterEvent.SpeechStarted s -> {
                    utteranceStart = s.audioStartMs() * RATE / 1000;
                    utteranceStartMs = s.audioStartMs();
                    interimDue = 0;
                    listener.speechStarted(s.audioStartMs());
                }
                case SegmenterEvent.SpeechStopped s -> listener.speechStopped(s.audioEndMs());
                case SegmenterEvent.SegmentClosed c -> {
                    TranscribeOptions options = continuing(c.segment(), transcribe);
                    endUtterance();
                    enqueue(c.segment(), options);
                }
            }
        }
    }

    /**
     * Keeps the open utterance's audio and, as it grows ({@link #INTERIM_POINTS_MS}, at least every
     * {@link SessionConfig#interimIntervalMs()}), re-decodes the utterance on a worker that finals leave free,
     * beginning with what earlier decodes agreed and checking the last decode as a draft. A decode due when no
     * worker is free waits for one behind every final and every pause's decode
     * ({@link InferenceExecutor#whenSpare}); it is cancelled, never run late, when its turn pauses or closes
     * first, and a fresher one takes its place once a second more audio has come.
     */
    private void keepForInterim(float[] x, int everyMs) {
        recent.append(x);
        // between utterances keep 2 s: the next one starts with its prefix padding, before the VAD is sure
        long keepFrom = utteranceStart >= 0 ? utteranceStart : recent.end() - 2L * RATE;
        recent.dropBefore(Math.max(keepFrom, recent.end() - (long) MAX_INTERIM_SECONDS * RATE));
        if (utteranceStart < 0 || closed) {
            return;
        }
        if (earlyDecoding() && segmenter.closingSegment() != null) {
            dropInterim(); // in a pause the early decode hears the same audio and is reported as interim text
            return;
        }
        long open = recent.end() - utteranceStart;
        long every = (long) everyMs * RATE / 1000;
        if (interimDue == 0) {
            interimDue = Math.max(every, (long) INTERIM_POINTS_MS[0] * RATE / 1000);
        }
        if (interimWait != null && !interimWait.taken() && recent.end() - interimWait.heardThrough >= RATE) {
            dropInterim(); // it waited a second for a worker: decode what has been heard since instead
            interimDue = open; // due again now
        }
        if (open < interimDue || open < RATE / 4 || interimRunning.get()) {
            return;
        }
        long from = recent.startOf(utteranceStart);
        long to = recent.end();
        float[] audio = recent.slice(from, to);
        long startMs = utteranceStartMs;
        long asOf;
        TranscribeOptions options;
        // provisional text needs no word times: an interim decode stays as cheap as it can be
        TranscribeOptions plain = transcribe.withTimestamps(false);
        boolean provisional = pipeline.engine().decodesProvisionally();
        if (provisional) {
            plain = plain.provisional(provisionalTokens(to - Math.max(from, interimHeardThrough)));
        }
        synchronized (interimLock) {
            asOf = utterance;
            // a decode of the utterance's tail only (past MAX_INTERIM_SECONDS) cannot begin with its first words
            options = from == utteranceStart ? plain.continuing(agreement.settled(), agreement.previous()) : plain;
        }
        TranscribeOptions decodeWith = options;
        // not counted in outstanding(): optional work must not hold up a drain or a door's backpressure; the
        // server still waits for the inference workers before it closes the engine
        interimRunning.set(true);
        InterimWait wait = new InterimWait(to, () -> {
            try {
                synchronized (interimLock) {
                    if (asOf != utterance) {
                        INTERIM_DROPPED.increment();
                        return; // the utterance closed while this waited for a worker
                    }
                }
                INTERIM_STARTED.increment();
                Transcript t = pipeline.engine().transcribe(audio, decodeWith);
                if (!reportInterim(asOf, startMs, t, to, provisional ? Decode.PROVISIONAL : Decode.WHOLE)) {
                    INTERIM_DROPPED.increment();
                }
            } catch (RuntimeException e) {
                log.debug("interim decode failed", e);
            } finally {
                interimRunning.set(false);
            }
        });
        interimWait = wait;
        // the next points stay where they were: a decode that started late does not push the later ones back
        while (interimDue <= open) {
            interimDue = Math.max(interimDue + every, nextInterimPoint(interimDue));
        }
        pipeline.inference().whenSpare(wait);
    }

    /**
     * Tokens a provisional decode may add for {@code samples} of audio its predecessors did not hear: about
     * two and a half per second (speech runs at two to four; the newest words are cut by the end of the audio
     * and would be held back anyway), at least {@link #MIN_PROVISIONAL_TOKENS}. Measured on the ten clips with
     * the schedule above (InterimPolicy in stt-bench): decoder runs per clip, interim and final together, 1.21 x a
     * plain decode's, against 1.50 x for decodes that run to end of text, with more deltas (3.3 per clip, 2.8).
     */
    public static int provisionalTokens(long samples) {
        return Math.max(MIN_PROVISIONAL_TOKENS, (int) Math.ceil(PROVISIONAL_TOKENS_PER_SECOND * samples / RATE));
    }

    static final double PROVISIONAL_TOKENS_PER_SECOND = 2.5;
    static final int MIN_PROVISIONAL_TOKENS = 4;

    /** Cancels the interim decode that waits for a worker, if one does; one a worker has taken runs on. */
    private void dropInterim() {
        InterimWait w = interimWait;
        interimWait = null;
        if (w != null && w.cancel()) {
            pipeline.inference().forget(w);
            INTERIM_SKIPPED.increment();
            interimRunning.set(false);
        }
    }

    /** An interim decode waiting for a spare worker ({@link InferenceExecutor#whenSpare}). */
    private final class InterimWait implements InferenceExecutor.Waiting {
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(); // 0 waiting, 1 taken, 2 cancelled
        /** The end (sample) of the audio it decodes. */
        final long heardThrough;
        private final Runnable task;

        InterimWait(long heardThrough, Runnable task) {
            this.heardThrough = heardThrough;
            this.task = task;
        }

        @Override
        public Runnable take() {
            if (!state.compareAndSet(0, 1)) {
                return null;
            }
            interimHeardThrough = heardThrough; // one cancelled while it waited heard nothing: the budget stays
            return task;
        }

        boolean cancel() {
            return state.compareAndSet(0, 2);
        }

        boolean taken() {
            return state.get() == 1;
        }

        @Override
        public void refused(RejectedExecutionException e) {
            interimRunning.set(false);
        }
    }

    /** The point of {@link #INTERIM_POINTS_MS} after {@code due} samples of open utterance, or twice it past them. */
    static long nextInterimPoint(long due) {
        for (int ms : INTERIM_POINTS_MS) {
            long point = (long) ms * RATE / 1000;
            if (point > due) {
                return point;
            }
        }
        return 2 * due;
    }

    /**
     * Hands a decode of the open utterance (through sample {@code heardThrough}) to the listener and to the
     * agreement the next decodes begin with.
     *
     * @param kind    how the agreement takes it: a whole decode, a provisional one, or one of audio that ends in
     *                a pause (the early decode), whose words are whole
     * @return false when the utterance has closed since (the text is stale and was not reported)
     */
    private boolean reportInterim(long asOf, long startMs, Transcript decoded, long heardThrough, Decode kind) {
        String text = decoded.wholeText();
        synchronized (interimLock) {
            if (asOf != utterance || closed) {
                return false;
            }
            String added = switch (kind) {
                case WHOLE -> agreement.onDecode(text);
                case PROVISIONAL -> agreement.onProvisionalDecode(decoded.text(), text);
                case PAUSE -> agreement.onPauseDecode(text);
            };
            if (!added.isEmpty()) {
                agreedThrough = heardThrough;
            }
            INTERIM_REPORTED.increment();
            listener.interim(startMs, text, agreement.settled());
            return true;
        }
    }

    /**
     * {@code base} for a decode of {@code segment} of the open utterance: beginning with what its interim
     * decodes agreed when the segment holds all the audio they heard (a segment cut short of it, at the
     * length limit, would be made to start with words it does not hold), with their last decode as draft.
     */
    private TranscribeOptions continuing(SpeechSegment segment, TranscribeOptions base) {
        synchronized (interimLock) {
            if (agreement.previous() == null || interimMs <= 0) {
                return base;
            }
            // the segment's start and the speech-start event's (in ms) differ by rounding only
            boolean holdsAgreed = segment.startSample() <= utteranceStart + RATE / 50 && segment.endSample() >= agreedThrough;
            return base.continuing(holdsAgreed ? agreement.settled() : null, agreement.previous());
        }
    }

    /** What an interim decode was, for the agreement ({@link SettledText}). */
    private enum Decode { WHOLE, PROVISIONAL, PAUSE }

    /** The open utterance closed or was dropped: interim decodes of it still running become stale. */
    private void endUtterance() {
        utteranceStart = -1;
        dropInterim();
        synchronized (interimLock) {
            utterance++;
            agreement = new SettledText();
            agreedThrough = 0;
        }
    }

    /** Tells the inference workers whether this session is in a pause whose final will need a worker. */
    private void countClosingTurn(boolean closing) {
        if (closing != closingCounted) {
            closingCounted = closing;
            pipeline.inference().turnClosing(closing);
        }
    }

    /** Whether pauses are decoded early (off with a cross-session batcher, which decodes at the close). */
    private boolean earlyDecoding() {
        return pipeline.earlyDecode() && pipeline.batcher() == null;
    }

    /**
     * Asks for a decode of a pausing utterance on the next idle worker, once per pause; see
     * {@link EarlyDecode}.
     */
    private void decodeEarly() {
        if (!earlyDecoding()) {
            return;
        }
        SpeechSegment s = segmenter.closingSegment();
        if (s == earlyFor) {
            return;
        }
        dropEarly(); // a decode of an earlier pause that has not started is stale: speech came back since
        if (s == null) {
            return;
        }
        EarlyDecode decode = new EarlyDecode(s);
        TranscribeOptions options = continuing(s, transcribe);
        long asOf;
        synchronized (interimLock) {
            asOf = utterance;
        }
        boolean interim = interimMs > 0 && utteranceStart >= 0;
        long startMs = utteranceStartMs;
        Runnable task = () -> {
            try {
                decode.run(pipeline.engine(), s.samples(), options);
                // heard before the silence window closes: its text is also the utterance's latest interim text
                Transcript t = decode.transcript();
                if (interim && t != null) {
                    reportInterim(asOf, startMs, t, s.endSample(), Decode.PAUSE);
                }
            } finally {
                outstanding.decrementAndGet();
            }
        };
        outstanding.incrementAndGet(); // the session is not idle while its decode waits or runs, used or not
        earlyFor = s;
        early = decode;
        earlyWait = new InferenceExecutor.Waiting() {
            @Override
            public Runnable take() {
                if (!decode.take()) {
                    return null;
                }
                EARLY_STARTED.increment();
                return task;
            }

            @Override
            public void refused(RejectedExecutionException e) {
                decode.refused(e);
                outstanding.decrementAndGet();
            }
        };
        pipeline.inference().whenIdle(earlyWait);
    }

    /** Forgets the pause's early decode; one still waiting for a worker never runs. */
    private void dropEarly() {
        if (early != null && early.cancel()) {
            pipeline.inference().forget(earlyWait);
            outstanding.decrementAndGet();
        }
        early = null;
        earlyFor = null;
        earlyWait = null;
    }

    private void enqueue(SpeechSegment s, TranscribeOptions options) {
        EarlyDecode covering = early != null && early.covers(s) ? early : null;
        dropEarly(); // one that no worker came for in the whole silence window is cancelled: decoded as a final
        EarlyDecode decoded = covering != null && covering.taken() ? covering : null;
        ClosedSegment segment = new ClosedSegment(nextId++, s.startMs(), s.endMs(), s.samples());
        listener.segmentClosed(segment);
        outstanding.incrementAndGet();
        synchronized (queue) {
            if (queue.size() >= config.maxPendingSegments()) {
                // answered in its turn, so results stay in order; its audio is not kept
                queue.add(new Pending(new ClosedSegment(segment.id(), segment.startMs(), segment.endMs(), new float[0]), options,
                        "server busy: " + queue.size() + " segments of this session are already waiting for transcription", null));
            } else {
                queue.add(new Pending(segment, options, null, decoded));
            }
        }
        pump();
    }

    private void pump() {
        while (true) {
            Pending next;
            synchronized (queue) {
                if (inFlight || queue.isEmpty()) {
                    return;
                }
                next = queue.poll();
                inFlight = true;
            }
            String refusal = next.refusal() != null ? next.refusal() : closed ? "session closed" : null;
            if (refusal == null && next.early() != null) {
                ClosedSegment seg = next.segment();
                EARLY_USED.increment();
                next.early().whenDone((t, e) -> transcribed(seg, t, e));
                return;
            }
            if (refusal == null) {
                try {
                    if (pipeline.batcher() != null) {
                        ClosedSegment seg = next.segment();
                        pipeline.batcher().submit(seg.samples(), next.options(), (t, e) -> transcribed(seg, t, e));
                    } else {
                        pipeline.inference().submit(() -> transcribe(next.segment(), next.options()));
                    }
                    return;
                } catch (RejectedExecutionException e) {
                    refusal = "server busy: the inference queue is full";
                }
            }
            finish(next.segment(), null, refusal);
        }
    }

    private void transcribe(ClosedSegment segment, TranscribeOptions options) {
        Transcript t = null;
        RuntimeException error = null;
        Error fatal = null;
        try {
            t = pipeline.engine().transcribe(segment.samples(), options);
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            // answered like any failure, or the segment (and every later one) would never be answered
            error = internalError(e);
            fatal = e;
        }
        transcribed(segment, t, error);
        if (fatal instanceof VirtualMachineError) {
            throw fatal;
        }
    }

    /** An Error from an engine, as a failure a client may read (no class names, no stack). */
    static RuntimeException internalError(Error e) {
        return new IllegalStateException("internal error", e);
    }

    private void transcribed(ClosedSegment segment, Transcript t, RuntimeException error) {
        String failure = null;
        if (error instanceof RejectedExecutionException) {
            failure = error.getMessage();
        } else if (error != null) {
            log.warn("segment {} failed", segment.id(), error);
            failure = "transcription failed: " + error.getMessage();
        }
        finish(segment, t == null ? null : t.shiftedBy(segment.startMs() / 1000.0), failure);
        pump();
    }

    private void finish(ClosedSegment segment, Transcript t, String failure) {
        try {
            if (failure != null) {
                listener.failed(segment, failure);
            } else {
                listener.transcribed(new SegmentResult(segment, t));
            }
        } catch (RuntimeException e) {
            log.warn("session listener failed", e);
        } finally {
            synchronized (queue) {
                inFlight = false;
            }
            outstanding.decrementAndGet();
        }
    }

    /** Stops taking audio; segments already closed are still answered (as failed, unless already running). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        audio.execute(() -> {
            countClosingTurn(false);
            dropEarly();
            dropInterim();
            segmenter.close();
        });
        pump();
    }
}
