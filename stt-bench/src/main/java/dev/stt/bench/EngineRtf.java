package dev.stt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.eval.WordErrorRate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Our engine on the shared clips, the way {@code bench/run-peers.sh} compares it with its peers:
 * {@code SttEngines.open} with the given intra-op threads, one warm-up transcription, then each clip
 * {@code --rounds} times (median kept). Prints one JSON line per clip, how many transcripts equal the
 * moonshine-js reference ({@code --reference}, file TAB transcript), and the {@code RESULT} line.
 *
 * <pre>java -cp ... dev.stt.bench.EngineRtf [--model moonshine-tiny] [--threads 2] [--rounds 3] [--speech DIR] [--reference TSV]</pre>
 */
public final class EngineRtf {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineRtf() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("model", "threads", "rounds", "speech", "reference"),
                "EngineRtf [--model NAME] [--threads N] [--rounds N] [--speech DIR] [--reference TSV]");
        String model = a.string("model", "moonshine-tiny");
        int threads = a.positiveInt("threads", 2);
        int rounds = a.positiveInt("rounds", 3);
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));
        Map<String, String> reference = a.string("reference", null) == null ? Map.of() : readTsv(Path.of(a.string("reference", null)));

        try (SttEngine engine = SttEngines.open(EngineConfig.builder(model).intraThreads(threads).build())) {
            engine.transcribe(clips.get(0).samples()); // warm-up: session initialisation and first allocations
            WordErrorRate.Score score = new WordErrorRate.Score(0, 0);
            double audio = 0;
            double wall = 0;
            int same = 0;
            for (BenchClip clip : clips) {
                double[] ms = new double[rounds];
                String text = null;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    text = engine.transcribe(clip.samples()).text();
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                }
                double median = Stats.median(ms);
                score = score.plus(WordErrorRate.score(clip.reference(), text));
                audio += clip.seconds();
                wall += median / 1000;
                String ref = reference.get(clip.file());
                boolean matches = ref != null && ref.strip().equals(text.strip());
                same += matches ? 1 : 0;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", clip.file());
                row.put("transcript", text);
                row.put("audio_s", Math.round(clip.seconds() * 1000) / 1000.0);
                row.put("total_ms", Math.round(median * 10) / 10.0);
                if (ref != null) {
                    row.put("same_as_moonshine_js", matches);
                }
                System.out.println(JSON.writeValueAsString(row));
            }
            if (!reference.isEmpty()) {
                System.out.println("MATCH " + same + "/" + clips.size() + " transcripts identical to the moonshine-js reference");
            }
            System.out.println(new RunSummary("stt-java", threads, clips.size(), audio, wall, score.rate()).resultLine());
        }
    }

    static Map<String, String> readTsv(Path tsv) throws java.io.IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                out.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return out;
    }
}
