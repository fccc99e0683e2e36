package dev.stt.server;

import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The shared real recordings the server tests stream. */
final class Speech {

    private Speech() {
    }

    static List<SpeechCorpus.Clip> clips() throws IOException {
        return SpeechCorpus.load(TestData.speechDir());
    }

    static float[] mono16k(Path wav) throws IOException {
        return WavReader.read(wav).toMono16k();
    }

    /** "And so, my fellow Americans": the opening of jfk.wav, one short utterance. */
    static float[] jfkOpening() throws IOException {
        float[] all = mono16k(TestData.speechDir().resolve("jfk.wav"));
        return Arrays.copyOf(all, 16_000 * 7 / 2);
    }

    static String normalized(String text) {
        return TextNormalizer.normalize(text);
    }
}
