package dev.stt.audio;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds WAV files byte by byte, well-formed or deliberately broken, for the reader's tests. */
final class WavFixture {

    private WavFixture() {
    }

    /** A sample encoding: its fmt tag and bits, and how closely a decoded sample can match the original. */
    enum Encoding {
        PCM_U8(1, 8), PCM_16(1, 16), PCM_24(1, 24), PCM_32(1, 32), FLOAT_32(3, 32), FLOAT_64(3, 64),
        A_LAW(6, 8), MU_LAW(7, 8);

        final int tag;
        final int bits;

        Encoding(int tag, int bits) {
            this.tag = tag;
            this.bits = bits;
        }

        /** Largest quantisation error allowed for a sample of magnitude |x|. */
        double tolerance(double x) {
            return switch (this) {
                case PCM_U8 -> 0.5 / 128 + 1e-6;
                case PCM_16 -> 0.5 / 32768 + 1e-7;
                case PCM_24, PCM_32, FLOAT_32, FLOAT_64 -> 1e-6;
                // logarithmic: half a step is at most 1/32 of the level, plus the smallest step near zero
                case A_LAW, MU_LAW -> Math.abs(x) / 32 + 16.0 / 32768;
            };
        }

        void write(ByteArrayOutputStream out, double x) {
            switch (this) {
                case PCM_U8 -> out.write((int) clamp(Math.round(x * 128) + 128, 0, 255));
                case PCM_16 -> le(out, clamp(Math.round(x * 32768), -32768, 32767), 2);
                case PCM_24 -> le(out, clamp(Math.round(x * 8388608), -8388608, 8388607), 3);
                case PCM_32 -> le(out, clamp(Math.round(x * 2147483648.0), Integer.MIN_VALUE, Integer.MAX_VALUE), 4);
                case FLOAT_32 -> le(out, Float.floatToIntBits((float) x), 4);
                case FLOAT_64 -> le(out, Double.doubleToLongBits(x), 8);
                case A_LAW -> out.write(G711.encodeALaw(new float[] {(float) x})[0]);
                case MU_LAW -> out.write(G711.encodeMuLaw(new float[] {(float) x})[0]);
            }
        }
    }

    /** Interleaved sample bytes of {@code channels[c][i]}. */
    static byte[] samples(Encoding e, float[][] channels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < channels[0].length; i++) {
            for (float[] channel : channels) {
                e.write(out, channel[i]);
            }
        }
        return out.toByteArray();
    }

    /** A plain 16-byte fmt chunk body with a consistent byte rate and block align. */
    static byte[] fmt(int tag, int channels, int rate, int bits) {
        return fmt(tag, channels, rate, bits, channels * (bits / 8));
    }

    static byte[] fmt(int tag, int channels, int rate, int bits, int blockAlign) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, tag, 2);
        le(out, channels, 2);
        le(out, rate, 4);
        le(out, (long) rate * blockAlign, 4);
        le(out, blockAlign, 2);
        le(out, bits, 2);
        return out.toByteArray();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk body whose sub-format GUID carries {@code subTag}. */
    static byte[] fmtExtensible(int subTag, int channels, int rate, int bits, int validBits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fmt(0xFFFE, channels, rate, bits));
        le(out, 22, 2); // cbSize
        le(out, validBits, 2);
        le(out, channels == 2 ? 0x3 : 0, 4); // channel mask: front left + right for stereo
        le(out, subTag, 2);
        out.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00,
            0x38, (byte) 0x9B, 0x71});
        return out.toByteArray();
    }

    record Chunk(String id, byte[] body, long declaredSize) {
    }

    static Chunk chunk(String id, byte[] body) {
        return new Chunk(id, body, body.length);
    }

    /** A chunk whose header claims {@code declaredSize} bytes whatever its body holds. */
    static Chunk chunk(String id, byte[] body, long declaredSize) {
        return new Chunk(id, body, declaredSize);
    }

    /** RIFF/WAVE around the chunks, each padded to an even length as the format wants. */
    static byte[] riff(Chunk... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Chunk c : chunks) {
            body.writeBytes(c.id().getBytes(StandardCharsets.US_ASCII));
            le(body, c.declaredSize(), 4);
            body.writeBytes(c.body());
            if ((c.body().length & 1) != 0) {
                body.write(0);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        le(out, 4 + body.size(), 4);
        out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** The usual layout: fmt then data. */
    static byte[] wav(byte[] fmt, byte[] data) {
        return riff(chunk("fmt ", fmt), chunk("data", data));
    }

    static void le(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >> (8 * i)));
        }
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
