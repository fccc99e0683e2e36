package dev.stt.session;

import dev.stt.audio.AudioFormatException;
import dev.stt.engine.SttEngine;
import dev.stt.engine.Transcript;
import dev.stt.model.ModelStore;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.SpeechSegmenterProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live transcription for an application: feed audio as it arrives, get one {@link Transcript} per utterance.
 * The VAD, the inference worker and the defaults are built inside; the engine is the caller's.
 *
 * <pre>{@code
 * try (SttEngine engine = SttEngines.open("moonshine-tiny");
 *      SpeechStream stream = SpeechStream.open(engine, t -> System.out.println(t.text()))) {
 *     stream.accept(samples, 48_000);           // mono floats in [-1, 1], any rate from 8 to 48 kHz
 * }                                             // close() transcribes what is left, then returns
 * }</pre>
 *
 * <p>Transcripts arrive in order on the stream's worker thread, times on the stream's time line. Feeding
 * faster than the engine keeps up blocks {@link #accept} instead of queueing without bound. One thread feeds
 * a stream; many streams may share one engine.
 */
public final class SpeechStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpeechStream.class);
    /** Utterances waiting for the engine before {@link #accept} waits: enough to ride out a burst. */
    private static final int MAX_WAITING = 8;

    private final InferenceExecutor worker;
    private final TranscriptionSession session;
    private final Object progress = new Object();
    private long closedSegments;
    private long answered;
    private boolean committed;

    private SpeechStream(SttEngine engine, SpeechSegmenterFactory vad, SessionConfig config, Consumer<Transcript> onText) {
        this.worker = new InferenceExecutor("stt-stream", 1, 4 * MAX_WAITING);
        Pipeline pipeline = new Pipeline(vad, engine, Runnable::run, worker, null, false);
        this.session = pipeline.open(config, new SessionListener() {
            @Override
            public void segmentClosed(ClosedSegment segment) {
                synchronized (progress) {
                    closedSegments++;
                }
            }

            @Override
            public void committed(long lastSegmentId) {
                synchronized (progress) {
                    committed = true;
                    progress.notifyAll();
                }
            }

            @Override
            public void transcribed(SegmentResult result) {
                try {
                    onText.accept(result.transcript());
                } finally {
                    answered();
                }
            }

            @Override
            public void failed(ClosedSegment segment, String reason) {
                log.warn("utterance at {} ms was not transcribed: {}", segment.startMs(), reason);
                answered();
            }

            @Override
            public void rejected(String reason) {
                log.warn("audio not taken: {}", reason);
            }
        });
    }

    /** A stream cut by the VAD on the class path (stt-vad's Silero), with {@link SessionConfig#DEFAULTS}. */
    public static SpeechStream open(SttEngine engine, Consumer<Transcript> onText) {
        return open(engine, SharedVad.get(), SessionConfig.DEFAULTS, onText);
    }

    /** The same with a VAD and settings of the caller's choosing; the VAD stays the caller's to close. */
    public static SpeechStream open(SttEngine engine, SpeechSegmenterFactory vad, SessionConfig config, Consumer<Transcript> onText) {
        return new SpeechStream(engine, vad, config, onText);
    }

    /** Takes the next mono samples in [-1, 1] at {@code sampleRate} (8 to 48 kHz; it may change between calls). */
    public void accept(float[] samples, int sampleRate) throws AudioFormatException {
        awaitRoom();
        session.append(samples, sampleRate);
    }

    /** Takes PCM16 little-endian mono bytes (a whole number of samples) at {@code sampleRate}. */
    public void acceptPcm16(byte[] pcm, int sampleRate) throws AudioFormatException {
        awaitRoom();
        session.appendPcm16(pcm, sampleRate);
    }

    /** Ends the open utterance, waits until every utterance has been answered, and releases the worker. */
    @Override
    public void close() {
        session.commit();
        boolean interrupted = false;
        synchronized (progress) {
            while (!committed || answered < closedSegments) {
                try {
                    progress.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        session.close();
        worker.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void answered() {
        synchronized (progress) {
            answered++;
            progress.notifyAll();
        }
    }

    private void awaitRoom() {
        synchronized (progress) {
            while (closedSegments - answered >= MAX_WAITING) {
                try {
                    progress.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One VAD per process, loaded on first use: its model is shared by every stream, like the engine's. */
    private static final class SharedVad {
        private static volatile SpeechSegmenterFactory vad;

        static SpeechSegmenterFactory get() {
            if (vad == null) {
                synchronized (SharedVad.class) {
                    if (vad == null) {
                        SpeechSegmenterProvider provider = ServiceLoader.load(SpeechSegmenterProvider.class).findFirst()
                                .orElseThrow(() -> new IllegalStateException("no VAD on the class path: add stt-vad"));
                        try {
                            vad = provider.open(ModelStore.fromEnvironment());
                        } catch (IOException e) {
                            throw new UncheckedIOException("could not load the VAD model: " + e.getMessage(), e);
                        }
                    }
                }
            }
            return vad;
        }
    }
}
