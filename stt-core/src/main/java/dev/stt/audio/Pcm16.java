package dev.stt.audio;

/** Signed 16-bit little-endian PCM, the wire format of the original protocol. */
public final class Pcm16 {

    private Pcm16() {
    }

    public static float[] decode(byte[] bytes) throws AudioFormatException {
        return decode(bytes, 0, bytes.length);
    }

    public static float[] decode(byte[] bytes, int offset, int length) throws AudioFormatException {
        if ((length & 1) != 0) {
            throw new AudioFormatException("PCM16 audio must have an even number of bytes, got " + length);
        }
        float[] out = new float[length / 2];
        for (int i = 0, p = offset; i < out.length; i++, p += 2) {
            out[i] = (short) ((bytes[p] & 0xff) | (bytes[p + 1] << 8)) / 32768f;
        }
        return out;
    }

    public static byte[] encode(float[] samples) {
        return encode(samples, 0, samples.length);
    }

    public static byte[] encode(float[] samples, int offset, int length) {
        byte[] out = new byte[length * 2];
        for (int i = 0; i < length; i++) {
            float x = samples[offset + i];
            int v = Math.round(x * 32767f);
            v = Math.max(-32768, Math.min(32767, v));
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >> 8);
        }
        return out;
    }
}
