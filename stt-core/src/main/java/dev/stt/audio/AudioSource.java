package dev.stt.audio;

import java.io.IOException;

/**
 * Decoded audio read in pieces: mono samples in [-1, 1] at the source's own rate, so a long recording is
 * never held whole. One owner reads it from one thread and closes it.
 */
public interface AudioSource extends AutoCloseable {

    /** Samples per second of what {@link #read} returns (the file's rate; resampling is the reader's job). */
    int sampleRate();

    /** The length the container declares, in seconds, or NaN when it does not say (raw streams, some MP3s). */
    double declaredSeconds();

    /**
     * Fills {@code into} from the start with up to {@code into.length} mono samples.
     *
     * @return how many were written, 0 only when {@code into} is empty, or -1 at the end of the audio
     * @throws AudioFormatException when the data turns out to be corrupt part-way
     */
    int read(float[] into) throws IOException;

    /** Releases the decoder (native contexts, file handles). Safe to call twice. */
    @Override
    void close();

    /** A source over samples already in memory (a WAV file read whole, a test signal). */
    static AudioSource of(AudioClip clip) {
        return new AudioSource() {
            private int at;

            @Override
            public int sampleRate() {
                return clip.sampleRate();
            }

            @Override
            public double declaredSeconds() {
                return clip.durationSeconds();
            }

            @Override
            public int read(float[] into) {
                float[] all = clip.samples();
                if (at >= all.length) {
                    return into.length == 0 ? 0 : -1;
                }
                int n = Math.min(into.length, all.length - at);
                System.arraycopy(all, at, into, 0, n);
                at += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }
}
