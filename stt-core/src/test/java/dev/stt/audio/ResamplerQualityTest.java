package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The resampler's frequency response, measured with pure tones, and its effect on real speech. */
class ResamplerQualityTest {

    @ParameterizedTest(name = "{1} Hz tone keeps its level through {0} -> 16000 Hz")
    @CsvSource({
        "44100, 1000", "44100, 6000",
        "48000, 1000", "48000, 6000",
        "24000, 1000", "24000, 6000",
        "22050, 1000", "22050, 6000",
        "32000, 1000", "32000, 6000",
        "8000, 1000", "8000, 3000",
        "11025, 1000", "11025, 4000",
        "44101, 1000", "44101, 6000",
    })
    void passbandToneKeepsItsLevelWithinATenthOfADecibel(int inRate, double hz) {
        assertToneLevelKept(inRate, 16_000, hz);
    }

    @ParameterizedTest(name = "{2} Hz tone keeps its level through {0} -> {1} Hz")
    @CsvSource({"16000, 8000, 1000", "16000, 8000, 3000", "16000, 24000, 1000", "16000, 24000, 6000",
        "16000, 48000, 6000", "16000, 44100, 6000"})
    void passbandToneKeepsItsLevelForOtherRatePairs(int inRate, int outRate, double hz) {
        assertToneLevelKept(inRate, outRate, hz);
    }

    private static void assertToneLevelKept(int inRate, int outRate, double hz) {
        float[] in = Signals.tone(hz, inRate, 1.0, 0.5);
        float[] out = Resampler.resample(in, inRate, outRate);
        double gainDb = Signals.db(Signals.steadyRms(out) / Signals.steadyRms(in));
        System.out.printf("level %5d -> %5d Hz, %4.0f Hz tone: %+.5f dB%n", inRate, outRate, hz, gainDb);
        assertEquals(0, gainDb, 0.1, hz + " Hz tone at " + inRate + " -> " + outRate + " Hz changed level by " + gainDb + " dB");
    }

    @ParameterizedTest(name = "{1} Hz tone at {0} Hz is removed, not aliased, at 16000 Hz")
    @CsvSource({"44100, 10000", "48000, 10000", "48000, 8500", "44100, 12000", "24000, 11000", "32000, 9000", "44101, 10000"})
    void toneAboveTheOutputNyquistIsAttenuatedByAtLeast60Decibels(int inRate, double hz) {
        float[] in = Signals.tone(hz, inRate, 1.0, 0.5);
        float[] out = Resampler.resample(in, inRate, 16_000);
        double gainDb = Signals.db(Signals.steadyRms(out) / Signals.steadyRms(in));
        System.out.printf("stopband %5d -> 16000 Hz, %5.0f Hz tone: %+.1f dB%n", inRate, hz, gainDb);
        assertTrue(gainDb <= -60, hz + " Hz tone at " + inRate + " -> 16000 Hz only attenuated by " + -gainDb + " dB");
    }

    /**
     * The whole response at once: flat to 40 % of the lower rate, and nothing from the lower rate's Nyquist
     * frequency up comes through (it would alias onto speech).
     */
    @ParameterizedTest(name = "frequency sweep through {0} -> {1} Hz")
    @CsvSource({"44100, 16000", "48000, 16000", "22050, 16000", "44101, 16000", "16000, 8000"})
    void sweepIsFlatInThePassbandAndSilentInTheStopband(int inRate, int outRate) {
        int lower = Math.min(inRate, outRate);
        double worstPassDb = 0;
        double worstStopDb = -200;
        for (double hz = 100; hz <= 0.4 * lower; hz += lower / 64.0) {
            double gainDb = gainDb(hz, inRate, outRate);
            assertEquals(0, gainDb, 0.1, hz + " Hz tone at " + inRate + " -> " + outRate + " Hz: passband level");
            worstPassDb = Math.abs(gainDb) > Math.abs(worstPassDb) ? gainDb : worstPassDb;
        }
        for (double hz = 0.5 * lower + 50; hz < inRate / 2.0; hz += inRate / 97.0) {
            double gainDb = gainDb(hz, inRate, outRate);
            assertTrue(gainDb <= -70, hz + " Hz tone at " + inRate + " -> " + outRate + " Hz came through at " + gainDb + " dB");
            worstStopDb = Math.max(worstStopDb, gainDb);
        }
        System.out.printf("sweep %5d -> %5d Hz: passband worst %+.4f dB, stopband worst %.1f dB%n",
            inRate, outRate, worstPassDb, worstStopDb);
    }

    private static double gainDb(double hz, int inRate, int outRate) {
        float[] in = Signals.tone(hz, inRate, 0.25, 0.5);
        return Signals.db(Signals.steadyRms(Resampler.resample(in, inRate, outRate)) / Signals.steadyRms(in));
    }

    @Test
    void outputLengthIsTheInputDurationAtTheNewRate() {
        for (int[] pair : new int[][] {{44100, 16000}, {48000, 16000}, {8000, 16000}, {16000, 24000}, {22050, 16000}}) {
            for (int n : new int[] {0, 1, 2, 7, 441, 1000, 44100}) {
                float[] out = Resampler.resample(new float[n], pair[0], pair[1]);
                double exact = (double) n * pair[1] / pair[0];
                assertTrue(Math.abs(out.length - exact) < 1,
                    n + " samples at " + pair[0] + " -> " + pair[1] + " Hz gave " + out.length + ", expected about " + exact);
            }
        }
    }

    @Test
    void jfkClipSurvivesARoundTripThrough48kHz() throws Exception {
        Path wav = Signals.speechDir().resolve("jfk.wav");
        AudioClip clip = WavReader.read(wav);
        assertEquals(16_000, clip.sampleRate(), wav.toString());
        float[] up = Resampler.resample(clip.samples(), 16_000, 48_000);
        float[] back = Resampler.resample(up, 48_000, 16_000);
        assertEquals(clip.samples().length, back.length, "round trip changed the length of " + wav);
        float[] reference = clip.samples();
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < back.length; i++) {
            signal += (double) reference[i] * reference[i];
            double e = back[i] - reference[i];
            noise += e * e;
        }
        double snrDb = 10 * Math.log10(signal / noise);
        System.out.printf("jfk.wav 16k -> 48k -> 16k: SNR %.1f dB against the original%n", snrDb);
        assertTrue(snrDb > 30, "jfk.wav 16k -> 48k -> 16k SNR only " + snrDb + " dB");
    }
}
