package dev.stt.audio;

import java.util.Objects;

/**
 * Signed 16-bit little-endian PCM, the wire format of the original protocol, and raw (headerless) audio
 * files such as {@code ffmpeg -f s16le} writes.
 *
 * <p>Full scale is 32768 both ways, so {@code encode(decode(b))} gives back {@code b} exactly; +1.0
 * clips to 32767.
 */
public final class Pcm16 {

    private Pcm16() {
    }

    public static float[] decode(byte[] bytes) throws AudioFormatException {
        return decode(bytes, 0, bytes.length);
    }

    public static float[] decode(byte[] bytes, int offset, int length) throws AudioFormatException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if ((length & 1) != 0) {
            throw new AudioFormatException("PCM16 audio must have an even number of bytes, got " + length);
        }
        float[] out = new float[length / 2];
        for (int i = 0, p = offset; i < out.length; i++, p += 2) {
            out[i] = (short) ((bytes[p] & 0xff) | (bytes[p + 1] << 8)) / 32768f;
        }
        return out;
    }

    /** Raw mono PCM16 LE at {@code sampleRate}. */
    public static AudioClip read(byte[] bytes, int sampleRate) throws AudioFormatException {
        return read(bytes, sampleRate, 1);
    }

    /** Raw interleaved PCM16 LE with {@code channels} channels, averaged to mono. */
    public static AudioClip read(byte[] bytes, int sampleRate, int channels) throws AudioFormatException {
        if (sampleRate <= 0) {
            throw new AudioFormatException("sample rate must be positive, got " + sampleRate);
        }
        if (channels <= 0) {
            throw new AudioFormatException(channels + " channels");
        }
        if (bytes.length % (2 * channels) != 0) {
            throw new AudioFormatException("raw PCM16 with " + channels + " channel(s) needs a multiple of "
                + 2 * channels + " bytes, got " + bytes.length);
        }
        float[] all = decode(bytes);
        if (channels == 1) {
            return new AudioClip(all, sampleRate);
        }
        float[] mono = new float[all.length / channels];
        for (int f = 0, p = 0; f < mono.length; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += all[p++];
            }
            mono[f] = sum / channels;
        }
        return new AudioClip(mono, sampleRate);
    }

    public static byte[] encode(float[] samples) {
        return encode(samples, 0, samples.length);
    }

    /** Samples in [-1, 1] (clipped beyond; NaN as silence) to PCM16 LE. */
    public static byte[] encode(float[] samples, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, samples.length);
        byte[] out = new byte[length * 2];
        for (int i = 0; i < length; i++) {
            int v = Math.round(samples[offset + i] * 32768f);
            v = Math.max(-32768, Math.min(32767, v));
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >> 8);
        }
        return out;
    }
}
