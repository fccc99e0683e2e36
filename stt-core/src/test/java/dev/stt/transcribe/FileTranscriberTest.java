package dev.stt.transcribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.AudioClip;
import dev.stt.audio.AudioSource;
import dev.stt.engine.SttEngine;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.segment.SegmenterEvent;
import dev.stt.segment.SpeechSegment;
import dev.stt.segment.SpeechSegmenter;
import dev.stt.segment.SpeechSegmenterFactory;
import dev.stt.segment.VadOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The offline policy with a scripted VAD and an engine that reports what it was given, so joins, cuts,
 * batching and time shifts are checked exactly. The real VAD and model run in stt-cli's and the server's tests.
 */
class FileTranscriberTest {

    private static final int RATE = SttEngine.SAMPLE_RATE;

    @Test
    void speechCloserThanASecondIsJoinedUpToTwentySecondsWithThePauseAudioKept() throws Exception {
        // every sample holds its own index, so a piece's audio tells where it was cut from
        float[] pcm = new float[40 * RATE];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = i;
        }
        ScriptedVad vad = new ScriptedVad(new double[][] {{0, 1}, {1.5, 3}, {5, 6}, {10, 25}, {25.5, 32}});
        EchoEngine engine = new EchoEngine();
        FileTranscript t = new FileTranscriber(engine, vad, TranscriptionPolicy.DEFAULTS).transcribe(AudioSource.of(new AudioClip(pcm, RATE)));

        assertEquals(List.of("0-48000", "80000-96000", "160000-400000", "408000-512000"), engine.pieces);
        assertEquals(4, t.segments().size());
        // 0..3 s is one piece whose middle is the recorded pause (sample 2 s holds 32000), not silence
        assertEquals(2 * RATE, engine.audio.get(0)[2 * RATE], 0);
        assertEquals(0, t.segments().get(0).start(), 1e-9);
        assertEquals(3, t.segments().get(0).end(), 1e-9);
        assertEquals(25.5, t.segments().get(3).start(), 1e-9);
        assertEquals(40, t.durationSeconds(), 1e-9);
        assertEquals("0-48000 80000-96000 160000-400000 408000-512000", t.text());
    }

    @Test
    void piecesGoToTheEngineInBatchesAndArriveInOrder() throws Exception {
        double[][] script = new double[11][];
        for (int k = 0; k < script.length; k++) {
            script[k] = new double[] {3 * k, 3 * k + 1};
        }
        EchoEngine engine = new EchoEngine();
        List<Double> starts = new ArrayList<>();
        FileTranscript t = new FileTranscriber(engine, new ScriptedVad(script), TranscriptionPolicy.DEFAULTS.withPiecesPerCall(4))
                .transcribe(AudioSource.of(new AudioClip(new float[35 * RATE], RATE)), piece -> starts.add(piece.start()));
        assertEquals(List.of(4, 4, 3), engine.batchSizes);
        assertEquals(11, t.segments().size());
        for (int k = 0; k < 11; k++) {
            assertEquals(3.0 * k, starts.get(k), 1e-9);
        }
    }

    @Test
    void audioAtAnotherRateIsResampledToTheEnginesRate() throws Exception {
        EchoEngine engine = new EchoEngine();
        FileTranscript t = new FileTranscriber(engine, new ScriptedVad(new double[][] {{1, 2}}), TranscriptionPolicy.DEFAULTS)
                .transcribe(AudioSource.of(new AudioClip(new float[3 * 44_100], 44_100)));
        assertEquals(RATE, engine.audio.get(0).length, "1 s of 44.1 kHz audio reaches the engine as 16,000 samples");
        assertEquals(1, t.segments().get(0).start(), 1e-9);
        assertEquals(2, t.segments().get(0).end(), 1e-9);
        assertEquals(3, t.durationSeconds(), 1e-9);
    }

    @Test
    void aRecordingLongerThanAllowedIsRefusedFromItsHeaderOrWhileReading() {
        TranscriptionPolicy policy = TranscriptionPolicy.DEFAULTS.withMaxAudioSeconds(5);
        FileTranscriber transcriber = new FileTranscriber(new EchoEngine(), new ScriptedVad(new double[0][]), policy);
        AudioTooLongException declared = assertThrows(AudioTooLongException.class,
                () -> transcriber.transcribe(AudioSource.of(new AudioClip(new float[6 * RATE], RATE))));
        assertTrue(declared.getMessage().contains("6.0 s") && declared.getMessage().contains("5 s"), declared.getMessage());

        AudioSource undeclared = new AudioSource() {
            private int left = 10;

            @Override
            public int sampleRate() {
                return RATE;
            }

            @Override
            public double declaredSeconds() {
                return Double.NaN;
            }

            @Override
            public int read(float[] into) {
                return left-- > 0 ? into.length : -1;
            }

            @Override
            public void close() {
            }
        };
        AudioTooLongException read = assertThrows(AudioTooLongException.class, () -> transcriber.transcribe(undeclared));
        assertTrue(read.getMessage().contains("runs past"), read.getMessage());
    }

    /** Closes a segment for each scripted [from, to) range once the audio has passed its end. */
    private static final class ScriptedVad implements SpeechSegmenterFactory {
        private final double[][] script;

        ScriptedVad(double[][] script) {
            this.script = script;
        }

        @Override
        public SpeechSegmenter open(int sampleRate, VadOptions options) {
            return new SpeechSegmenter() {
                private float[] heard = new float[0];
                private int next;

                @Override
                public int sampleRate() {
                    return sampleRate;
                }

                @Override
                public List<SegmenterEvent> accept(float[] samples, int offset, int length) {
                    int at = heard.length;
                    heard = Arrays.copyOf(heard, at + length);
                    System.arraycopy(samples, offset, heard, at, length);
                    return closeUpTo(heard.length);
                }

                private List<SegmenterEvent> closeUpTo(long position) {
                    List<SegmenterEvent> out = new ArrayList<>();
                    while (next < script.length && script[next][1] * sampleRate <= position) {
                        int a = (int) Math.round(script[next][0] * sampleRate);
                        int b = (int) Math.round(script[next][1] * sampleRate);
                        out.add(new SegmenterEvent.SpeechStopped(b * 1000L / sampleRate));
                        out.add(new SegmenterEvent.SegmentClosed(new SpeechSegment(Arrays.copyOfRange(heard, a, b), sampleRate, a)));
                        next++;
                    }
                    return out;
                }

                @Override
                public List<SegmenterEvent> flush() {
                    return closeUpTo(Long.MAX_VALUE);
                }

                @Override
                public long position() {
                    return heard.length;
                }

                @Override
                public void clear() {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /** Answers each piece with its sample range on the stream, read off the index-valued test audio. */
    private static final class EchoEngine implements SttEngine {
        final List<String> pieces = new ArrayList<>();
        final List<float[]> audio = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public String model() {
            return "echo";
        }

        @Override
        public Transcript transcribe(float[] samples, TranscribeOptions options) {
            return transcribeBatch(List.of(samples), options).get(0);
        }

        @Override
        public List<Transcript> transcribeBatch(List<float[]> segments, TranscribeOptions options) {
            batchSizes.add(segments.size());
            List<Transcript> out = new ArrayList<>();
            for (float[] s : segments) {
                String range = s.length == 0 ? "empty" : (long) s[0] + "-" + ((long) s[s.length - 1] + 1);
                pieces.add(range);
                audio.add(s);
                out.add(Transcript.of(range, s.length / (double) RATE));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }
}
