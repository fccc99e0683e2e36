package dev.stt.audio;

/**
 * ITU-T G.711 companding: µ-law (North America, Japan; the telephony default of OpenAI's realtime
 * protocol) and A-law (Europe). One byte per sample, 8 kHz by convention but any rate works.
 *
 * <p>Decoding follows the reference tables (µ-law spans ±32124, A-law ±32256 on a 16-bit scale);
 * encoding is the classic segment search of the reference implementation, so
 * {@code encode(decode(b)) == b} for every code except µ-law's negative zero (0x7F encodes back as 0xFF).
 */
public final class G711 {

    private static final float[] MU_LAW = new float[256];
    private static final float[] A_LAW = new float[256];
    private static final int[] MU_SEGMENT_END = {0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF};
    private static final int[] A_SEGMENT_END = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};
    private static final int MU_BIAS = 0x84;
    private static final int MU_CLIP = 8159;

    static {
        for (int code = 0; code < 256; code++) {
            MU_LAW[code] = muLawToLinear(code) / 32768f;
            A_LAW[code] = aLawToLinear(code) / 32768f;
        }
    }

    private G711() {
    }

    public static float[] decodeMuLaw(byte[] codes) {
        return decodeMuLaw(codes, 0, codes.length);
    }

    public static float[] decodeMuLaw(byte[] codes, int offset, int length) {
        return decode(MU_LAW, codes, offset, length);
    }

    public static float[] decodeALaw(byte[] codes) {
        return decodeALaw(codes, 0, codes.length);
    }

    public static float[] decodeALaw(byte[] codes, int offset, int length) {
        return decode(A_LAW, codes, offset, length);
    }

    /** Samples in [-1, 1] (clipped beyond) to µ-law codes. */
    public static byte[] encodeMuLaw(float[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) linearToMuLaw(toPcm16(samples[i]));
        }
        return out;
    }

    /** Samples in [-1, 1] (clipped beyond) to A-law codes. */
    public static byte[] encodeALaw(float[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) linearToALaw(toPcm16(samples[i]));
        }
        return out;
    }

    static float muLaw(byte code) {
        return MU_LAW[code & 0xff];
    }

    static float aLaw(byte code) {
        return A_LAW[code & 0xff];
    }

    private static float[] decode(float[] table, byte[] codes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, codes.length);
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = table[codes[offset + i] & 0xff];
        }
        return out;
    }

    private static int toPcm16(float x) {
        if (!(x == x)) { // NaN carries no level: silence
            return 0;
        }
        return (int) Math.max(-32768, Math.min(32767, Math.round(x * 32768.0)));
    }

    static int muLawToLinear(int code) {
        int u = ~code & 0xff;
        int t = ((u & 0x0f) << 3) + MU_BIAS;
        t <<= (u & 0x70) >> 4;
        return (u & 0x80) != 0 ? MU_BIAS - t : t - MU_BIAS;
    }

    static int aLawToLinear(int code) {
        int a = (code ^ 0x55) & 0xff;
        int t = (a & 0x0f) << 4;
        int segment = (a & 0x70) >> 4;
        switch (segment) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= segment - 1;
            }
        }
        return (a & 0x80) != 0 ? t : -t;
    }

    static int linearToMuLaw(int pcm) {
        int v = pcm >> 2; // 14-bit
        int mask;
        if (v < 0) {
            v = -v;
            mask = 0x7f;
        } else {
            mask = 0xff;
        }
        v = Math.min(v, MU_CLIP) + (MU_BIAS >> 2);
        int segment = segment(v, MU_SEGMENT_END);
        if (segment >= 8) {
            return 0x7f ^ mask;
        }
        return ((segment << 4) | ((v >> (segment + 1)) & 0x0f)) ^ mask;
    }

    static int linearToALaw(int pcm) {
        int v = pcm >> 3; // 13-bit
        int mask;
        if (v >= 0) {
            mask = 0xd5;
        } else {
            mask = 0x55;
            v = -v - 1;
        }
        int segment = segment(v, A_SEGMENT_END);
        if (segment >= 8) {
            return 0x7f ^ mask;
        }
        int code = segment << 4;
        code |= segment < 2 ? (v >> 1) & 0x0f : (v >> segment) & 0x0f;
        return code ^ mask;
    }

    private static int segment(int v, int[] ends) {
        for (int i = 0; i < ends.length; i++) {
            if (v <= ends[i]) {
                return i;
            }
        }
        return ends.length;
    }
}
