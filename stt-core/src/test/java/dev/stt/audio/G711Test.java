package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** G.711 against the ITU-T reference values. */
class G711Test {

    @Test
    void muLawReferenceCodesDecodeToTheirTableValues() {
        // code -> 16-bit value, as CPython audioop.ulaw2lin/alaw2lin (the Sun reference implementation) give them
        int[][] reference = {{0xFF, 0}, {0x7F, 0}, {0x80, 32124}, {0x00, -32124}, {0xFE, 8}, {0x7E, -8},
            {0xF0, 120}, {0xEF, 132}, {0x8F, 16764}, {0x0F, -16764}};
        for (int[] r : reference) {
            float decoded = G711.decodeMuLaw(new byte[] {(byte) r[0]})[0];
            assertEquals(r[1] / 32768f, decoded, 0f, String.format("µ-law code 0x%02X", r[0]));
        }
    }

    @Test
    void aLawReferenceCodesDecodeToTheirTableValues() {
        int[][] reference = {{0xD5, 8}, {0x55, -8}, {0xAA, 32256}, {0x2A, -32256}, {0xD4, 24}, {0xC5, 264},
            {0xFA, 1008}};
        for (int[] r : reference) {
            float decoded = G711.decodeALaw(new byte[] {(byte) r[0]})[0];
            assertEquals(r[1] / 32768f, decoded, 0f, String.format("A-law code 0x%02X", r[0]));
        }
    }

    @Test
    void everyMuLawCodeExceptNegativeZeroEncodesBackToItself() {
        for (int code = 0; code < 256; code++) {
            if (code == 0x7F) {
                continue; // -0 and +0 decode alike; 0 encodes as 0xFF
            }
            float x = G711.decodeMuLaw(new byte[] {(byte) code})[0];
            assertEquals(code, G711.encodeMuLaw(new float[] {x})[0] & 0xff, String.format("µ-law code 0x%02X", code));
        }
    }

    @Test
    void everyALawCodeEncodesBackToItself() {
        for (int code = 0; code < 256; code++) {
            float x = G711.decodeALaw(new byte[] {(byte) code})[0];
            assertEquals(code, G711.encodeALaw(new float[] {x})[0] & 0xff, String.format("A-law code 0x%02X", code));
        }
    }

    @Test
    void decodedValuesRiseMonotonicallyWithTheCodeMagnitude() {
        // within each sign half the level is a monotonic function of the code
        for (int code = 0x80; code < 0xFF; code++) {
            float a = G711.decodeMuLaw(new byte[] {(byte) code})[0];
            float b = G711.decodeMuLaw(new byte[] {(byte) (code + 1)})[0];
            assertTrue(a > b, String.format("µ-law 0x%02X (%f) should be above 0x%02X (%f)", code, a, code + 1, b));
        }
    }

    @Test
    void speechLevelToneRoundTripsWithTheSignalToNoiseRatioOfG711() {
        float[] x = Signals.tone(440, 8000, 1.0, 0.25);
        for (String law : new String[] {"µ-law", "A-law"}) {
            float[] y = law.equals("µ-law") ? G711.decodeMuLaw(G711.encodeMuLaw(x)) : G711.decodeALaw(G711.encodeALaw(x));
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < x.length; i++) {
                signal += (double) x[i] * x[i];
                noise += (double) (y[i] - x[i]) * (y[i] - x[i]);
            }
            double snr = 10 * Math.log10(signal / noise);
            // G.711 gives ~38 dB SNR over a wide range of levels
            assertTrue(snr > 35, law + " round trip of a -12 dBFS tone: SNR " + snr + " dB");
        }
    }

    @Test
    void outOfRangeAndNaNSamplesAreClippedNotWrapped() {
        byte[] mu = G711.encodeMuLaw(new float[] {2f, -2f, Float.NaN});
        assertEquals(0x80, mu[0] & 0xff, "µ-law of +2.0 is the largest positive code");
        assertEquals(0x00, mu[1] & 0xff, "µ-law of -2.0 is the largest negative code");
        assertEquals(0xFF, mu[2] & 0xff, "µ-law of NaN is silence");
        byte[] a = G711.encodeALaw(new float[] {2f, -2f});
        assertEquals(0xAA, a[0] & 0xff, "A-law of +2.0 is the largest positive code");
        assertEquals(0x2A, a[1] & 0xff, "A-law of -2.0 is the largest negative code");
    }
}
