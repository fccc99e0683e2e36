package dev.stt.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogMelSpectrogramTest {

    @ParameterizedTest
    @ValueSource(ints = {80, 128})
    void slaneyFiltersMatchWhisperFile(int mels) throws Exception {
        Map<String, Npy.Array> npz = Npy.readNpz(dev.stt.eval.TestData.whisperDir().resolve("mel_filters.npz"));
        Npy.Array ref = npz.get("mel_" + mels);
        assertArrayEquals(new int[] {mels, 201}, ref.shape());
        double[][] ours = MelFilterBank.slaney(16_000, 400, mels);
        double maxDiff = 0;
        for (int m = 0; m < mels; m++) {
            for (int k = 0; k < 201; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[m][k] - ref.at(m, k)));
            }
        }
        // the reference is stored as float32: agreement to its precision
        assertTrue(maxDiff < 1e-6, "max filter difference " + maxDiff);
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 128})
    void jfkLogMelMatchesOpenAiRecipe(int mels) throws Exception {
        Path wav = TestData.speechDir().resolve("jfk.wav");
        float[] samples = WavReader.read(wav).toMono16k();
        Npy.Array ref = Npy.read(dev.stt.eval.TestData.whisperDir().resolve("jfk_logmel" + mels + ".npy"));
        assertArrayEquals(new int[] {mels, 3000}, ref.shape());
        float[] ours = new LogMelSpectrogram(mels).compute(samples);
        assertEquals(mels * 3000, ours.length);
        double maxDiff = 0;
        for (int i = 0; i < ours.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref.data()[i]));
        }
        System.out.printf("log-mel %d bins: max abs diff vs numpy reference %.3g%n", mels, maxDiff);
        assertTrue(maxDiff < 2e-3, "max abs diff " + maxDiff);
    }

    @Test
    void silenceIsFlatAndLongAudioIsTrimmed() {
        LogMelSpectrogram lm = new LogMelSpectrogram(80);
        float[] silent = lm.compute(new float[16_000]);
        for (float v : silent) {
            assertEquals(-1.5f, v, 1e-6f); // log10(1e-10) = -10, (−10 + 4) / 4
        }
        float[] tone = new float[LogMelSpectrogram.CHUNK_SAMPLES + 16_000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) Math.sin(2 * Math.PI * 440 * i / 16_000.0) * (i < LogMelSpectrogram.CHUNK_SAMPLES ? 0.5f : 0f);
        }
        float[] trimmed = lm.compute(tone);
        float[] exact = lm.compute(java.util.Arrays.copyOf(tone, LogMelSpectrogram.CHUNK_SAMPLES));
        assertArrayEquals(exact, trimmed);
    }

    @Test
    void rejectsBadBinCountsAndSmallOutputs() {
        assertThrows(IllegalArgumentException.class, () -> new LogMelSpectrogram(0));
        assertThrows(IllegalArgumentException.class, () -> new LogMelSpectrogram(80).compute(new float[10], new float[100], 0));
    }
}
