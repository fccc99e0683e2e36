package dev.stt.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes mono 16-bit PCM WAV files: the plainest format every tool reads. */
public final class WavWriter {

    private static final int HEADER_BYTES = 44;

    private WavWriter() {
    }

    public static void write(Path path, AudioClip clip) throws IOException {
        Files.write(path, toBytes(clip));
    }

    public static byte[] toBytes(AudioClip clip) {
        return toBytes(clip.samples(), clip.sampleRate());
    }

    /** Samples in [-1, 1] (clipped beyond) as a complete WAV file. */
    public static byte[] toBytes(float[] samples, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        if (samples.length > (Integer.MAX_VALUE - HEADER_BYTES) / 2) {
            throw new IllegalArgumentException(samples.length + " samples do not fit in one WAV file");
        }
        byte[] pcm = Pcm16.encode(samples);
        byte[] out = new byte[HEADER_BYTES + pcm.length];
        ascii(out, 0, "RIFF");
        le32(out, 4, 36 + pcm.length);
        ascii(out, 8, "WAVE");
        ascii(out, 12, "fmt ");
        le32(out, 16, 16);
        le16(out, 20, WavReader.FORMAT_PCM);
        le16(out, 22, 1);
        le32(out, 24, sampleRate);
        le32(out, 28, sampleRate * 2);
        le16(out, 32, 2);
        le16(out, 34, 16);
        ascii(out, 36, "data");
        le32(out, 40, pcm.length);
        System.arraycopy(pcm, 0, out, HEADER_BYTES, pcm.length);
        return out;
    }

    private static void ascii(byte[] b, int at, String s) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) s.charAt(i);
        }
    }

    private static void le16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    private static void le32(byte[] b, int at, int v) {
        le16(b, at, v);
        le16(b, at + 2, v >> 16);
    }
}
