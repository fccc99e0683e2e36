package dev.stt.moonshine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.WavReader;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.TranscribeOptions;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.eval.TestData;
import dev.stt.model.ModelStore;
import dev.stt.onnx.decoder.DecodedSequence;
import dev.stt.onnx.graph.AttentionGraphCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Word times from Moonshine's cross-attention, measured against Vosk's word alignment of the repo's clips
 * ({@code vosk-words.tsv}, made by stt-bench's WordTimings and checked there).
 */
class MoonshineWordTimesTest {

    static final TranscribeOptions WORDS = TranscribeOptions.DEFAULTS.withTimestamps(true);

    private static MoonshineEngine engine;
    private static Map<String, float[]> clips;
    private static Map<String, List<Truth>> truth;

    record Truth(String word, double start, double end) {
    }

    @BeforeAll
    static void open() throws Exception {
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        engine = MoonshineEngine.open("moonshine-tiny", dir, EngineConfig.builder("moonshine-tiny").intraThreads(1).build());
        truth = new LinkedHashMap<>();
        try (InputStream in = MoonshineWordTimesTest.class.getResourceAsStream("vosk-words.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                truth.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new Truth(f[1], Integer.parseInt(f[2]) / 1000.0, Integer.parseInt(f[3]) / 1000.0));
            }
        }
        clips = new LinkedHashMap<>();
        for (String file : truth.keySet()) {
            clips.put(file, WavReader.read(TestData.speechDir().resolve(file)).toMono16k());
        }
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static String norm(String w) {
        return w.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** Start and end errors (seconds) of the words both recognisers heard, matched in order (longest common subsequence). */
    record Errors(List<Double> start, List<Double> end, int matched, int truthWords) {

        static Errors of(List<WordTiming> ours, List<Truth> theirs) {
            int n = ours.size();
            int m = theirs.size();
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--) {
                for (int j = m - 1; j >= 0; j--) {
                    lcs[i][j] = norm(ours.get(i).word()).equals(norm(theirs.get(j).word()))
                            ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            List<Double> s = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            int i = 0;
            int j = 0;
            while (i < n && j < m) {
                if (norm(ours.get(i).word()).equals(norm(theirs.get(j).word()))) {
                    s.add(Math.abs(ours.get(i).start() - theirs.get(j).start()));
                    e.add(Math.abs(ours.get(i).end() - theirs.get(j).end()));
                    i++;
                    j++;
                } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                    i++;
                } else {
                    j++;
                }
            }
            return new Errors(s, e, s.size(), m);
        }

        Errors plus(Errors o) {
            List<Double> s = new ArrayList<>(start);
            s.addAll(o.start);
            List<Double> e = new ArrayList<>(end);
            e.addAll(o.end);
            return new Errors(s, e, matched + o.matched, truthWords + o.truthWords);
        }

        static double quantile(List<Double> x, double q) {
            double[] a = x.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return a[Math.min(a.length - 1, (int) Math.floor(q * (a.length - 1) + 0.5))];
        }

        static double mean(List<Double> x) {
            return x.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        String row(String name) {
            return String.format(Locale.ROOT, "%-12s | %5.0f | %5.0f | %5.0f | %5.0f | %5.0f | %5.0f | %d/%d", name,
                    1000 * mean(start), 1000 * quantile(start, 0.5), 1000 * quantile(start, 0.9),
                    1000 * mean(end), 1000 * quantile(end, 0.5), 1000 * quantile(end, 0.9), matched, truthWords);
        }
    }

    /** Decodes every clip once with the attention decoder; the rows come back for re-timing with other heads. */
    static Map<String, Map.Entry<Transcript, DecodedSequence>> decodeAll() {
        Map<String, Map.Entry<Transcript, DecodedSequence>> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> c : clips.entrySet()) {
            DecodedSequence[] row = new DecodedSequence[1];
            engine.rowTap = d -> row[0] = d;
            Transcript t = engine.transcribe(c.getValue(), WORDS);
            engine.rowTap = null;
            out.put(c.getKey(), Map.entry(t, row[0]));
        }
        return out;
    }

    /** Prints the error table per (layer, head) choice: how ALIGNMENT_HEADS was chosen. */
    @Test
    void measureLayerChoices() {
        Map<String, Map.Entry<Transcript, DecodedSequence>> decoded = decodeAll();
        Map<String, List<int[]>> choices = new LinkedHashMap<>();
        for (int l = 0; l < 6; l++) {
            choices.put("layer " + l, MoonshineEngine.heads(l));
        }
        choices.put("layers 3-5", MoonshineEngine.heads(3, 4, 5));
        choices.put("layers 4-5", MoonshineEngine.heads(4, 5));
        choices.put("layers 2-5", MoonshineEngine.heads(2, 3, 4, 5));
        choices.put("all", MoonshineEngine.heads(0, 1, 2, 3, 4, 5));
        StringBuilder table = new StringBuilder("\nheads        | start mean | median | p90 | end mean | median | p90 (ms) | matched\n");
        for (Map.Entry<String, List<int[]>> choice : choices.entrySet()) {
            table.append(total(decoded, choice.getValue()).row(choice.getKey())).append('\n');
        }
        // single heads, to see whether a few alignment heads beat whole layers (as in Whisper)
        for (int l = 0; l < 6; l++) {
            for (int h = 0; h < 8; h++) {
                table.append(total(decoded, List.of(new int[] {l, h})).row("L" + l + "H" + h)).append('\n');
            }
        }
        System.out.println(table);
    }

    static Errors total(Map<String, Map.Entry<Transcript, DecodedSequence>> decoded, List<int[]> heads) {
        Errors all = new Errors(List.of(), List.of(), 0, 0);
        for (Map.Entry<String, Map.Entry<Transcript, DecodedSequence>> e : decoded.entrySet()) {
            Transcript t = e.getValue().getKey();
            Transcript timed = engine.withWords(t, e.getValue().getValue(), clips.get(e.getKey()).length, heads);
            all = all.plus(Errors.of(timed.words(), truth.get(e.getKey())));
        }
        return all;
    }
}
