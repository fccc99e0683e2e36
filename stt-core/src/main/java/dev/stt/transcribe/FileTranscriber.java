package dev.stt.transcribe;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioHistory;
import dev.stt.audio.AudioSource;
import dev.stt.audio.Resampler;
import dev.stt.audio.SampleRateException;
import dev.stt.engine.SttEngine;
import dev.stt.engine.Transcript;
import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechSegmenterFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Transcribes a whole recording: reads it in pieces, resamples to the engine's rate, cuts it with the VAD,
 * joins speech across short pauses, transcribes the pieces in small batches and puts every result on the
 * recording's time line. Memory stays bounded by the longest piece, not the recording: a one-hour file is
 * never held whole.
 *
 * <p>Thread-safe: the engine and VAD are shared, each call has its own segmenter and buffers.
 */
public final class FileTranscriber {

    /** One second at a time: small enough to stay lean, large enough that per-read costs vanish. */
    private static final int READ_SECONDS = 1;

    private final SttEngine engine;
    private final SpeechSegmenterFactory vad;
    private final TranscriptionPolicy policy;

    public FileTranscriber(SttEngine engine, SpeechSegmenterFactory vad, TranscriptionPolicy policy) {
        this.engine = engine;
        this.vad = vad;
        this.policy = policy;
    }

    public TranscriptionPolicy policy() {
        return policy;
    }

    public FileTranscript transcribe(AudioSource audio) throws IOException {
        return transcribe(audio, piece -> { });
    }

    /**
     * @param onPiece called with each piece as soon as it is transcribed, in order (streamed answers,
     *                progress bars); runs on the calling thread
     * @throws AudioTooLongException when the recording is longer than the policy allows
     * @throws AudioFormatException  when the audio turns out to be unreadable part-way
     */
    public FileTranscript transcribe(AudioSource audio, Consumer<Transcript> onPiece) throws IOException {
        double declared = audio.declaredSeconds();
        if (declared > policy.maxAudioSeconds()) {
            throw new AudioTooLongException(declared, policy.maxAudioSeconds(), true);
        }
        int rate = SampleRateException.check(audio.sampleRate());
        long maxSamples = (long) Math.ceil(policy.maxAudioSeconds() * rate);
        Run run = new Run(onPiece);
        Resampler resampler = rate == SttEngine.SAMPLE_RATE ? null : new Resampler(rate, SttEngine.SAMPLE_RATE);
        long read = 0;
        try (SpeechSegmenter segmenter = vad.open(SttEngine.SAMPLE_RATE, policy.vad())) {
            float[] buf = new float[Math.max(1, rate * READ_SECONDS)];
            int n;
            while ((n = audio.read(buf)) >= 0) {
                read += n;
                if (read > maxSamples) {
                    throw new AudioTooLongException(read / (double) rate, policy.maxAudioSeconds(), false);
                }
                float[] at16k = resampler == null ? java.util.Arrays.copyOf(buf, n) : resampler.process(buf, 0, n);
                run.heard(at16k, segmenter.accept(at16k));
            }
            if (resampler != null) {
                float[] tail = resampler.flush();
                run.heard(tail, segmenter.accept(tail));
            }
            run.heard(new float[0], segmenter.flush());
        }
        run.finish();
        return new FileTranscript(read / (double) rate, run.language, run.transcripts);
    }

    /** One recording's state: the audio kept for joining, the piece being joined, the batch waiting for the engine. */
    private final class Run {
        private final Consumer<Transcript> onPiece;
        private final AudioHistory recent = new AudioHistory();
        private final List<SpeechSegment> batch = new ArrayList<>();
        private final List<Transcript> transcripts = new ArrayList<>();
        private String language = policy.transcribe().language();
        /** The piece being joined, as a sample range on the 16 kHz time line; start < 0 when none. */
        private long start = -1;
        private long end = -1;

        Run(Consumer<Transcript> onPiece) {
            this.onPiece = onPiece;
        }

        void heard(float[] at16k, List<SegmenterEvent> events) {
            recent.append(at16k);
            for (SegmenterEvent e : events) {
                if (e instanceof SegmenterEvent.SegmentClosed c) {
                    join(c.segment());
                }
            }
            // keep only what a later join can still reach: the open piece, else the VAD's longest look-back
            long lookBack = (long) ((policy.vad().maxSegmentSeconds() + policy.joinGapSeconds() + 5) * SttEngine.SAMPLE_RATE);
            recent.dropBefore(start >= 0 ? Math.min(start, recent.end() - lookBack) : recent.end() - lookBack);
        }

        private void join(SpeechSegment s) {
            int rate = SttEngine.SAMPLE_RATE;
            boolean fits = start >= 0 && s.startSample() - end < policy.joinGapSeconds() * rate
                    && s.endSample() - start <= policy.joinedMaxSeconds() * rate;
            if (fits) {
                end = Math.max(end, s.endSample());
                return;
            }
            closePiece();
            start = s.startSample();
            end = s.endSample();
        }

        /** The joined piece, pauses between its parts kept as recorded, goes to the batch. */
        private void closePiece() {
            if (start < 0) {
                return;
            }
            batch.add(new SpeechSegment(recent.slice(start, end), SttEngine.SAMPLE_RATE, Math.max(start, recent.start())));
            start = -1;
            if (batch.size() >= policy.piecesPerCall()) {
                transcribeBatch();
            }
        }

        private void transcribeBatch() {
            if (batch.isEmpty()) {
                return;
            }
            List<Transcript> heard = engine.transcribeBatch(batch.stream().map(SpeechSegment::samples).toList(), policy.transcribe());
            for (int k = 0; k < batch.size(); k++) {
                Transcript t = heard.get(k).shiftedBy(batch.get(k).startSeconds());
                if (language == null && !t.text().isBlank()) {
                    language = t.language();
                }
                transcripts.add(t);
                onPiece.accept(t);
            }
            batch.clear();
        }

        void finish() {
            closePiece();
            transcribeBatch();
        }
    }
}
