package dev.stt.bench;

import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark recording, decoded once up front so runs time inference alone.
 *
 * @param file      path under shared/data/speech ({@code jfk.wav}, {@code librivox/NAME.wav}): the key the
 *                  JavaScript peer and {@code reference-transcripts.tsv} use
 * @param samples   mono 16 kHz
 * @param reference what was said
 */
public record BenchClip(String file, float[] samples, String reference) {

    public double seconds() {
        return samples.length / 16_000.0;
    }

    /** The shared clips ({@code --speech DIR}, else {@link dev.stt.eval.TestData#speechDir()}), sorted by file. */
    public static List<BenchClip> load(String speechDir) throws IOException {
        Path dir = speechDir != null ? Path.of(speechDir) : TestData.speechDir();
        List<BenchClip> clips = new ArrayList<>();
        for (SpeechCorpus.Clip c : SpeechCorpus.load(dir)) {
            clips.add(new BenchClip(c.name() + ".wav", WavReader.read(c.wav()).toMono16k(), c.reference()));
        }
        clips.sort(java.util.Comparator.comparing(BenchClip::file));
        return clips;
    }
}
