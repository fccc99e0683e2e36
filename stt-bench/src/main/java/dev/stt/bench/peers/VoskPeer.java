package dev.stt.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.bench.BenchArgs;
import dev.stt.bench.BenchClip;
import dev.stt.bench.RunSummary;
import dev.stt.bench.Stats;
import dev.stt.eval.WordErrorRate;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * Vosk (Kaldi, {@code vosk-model-en-us} 0.3.45 small English model) as a peer: transcribes the shared
 * clips the way a streaming server feeds it (100 ms chunks into one recognizer per clip), prints one
 * JSON line per clip and the {@code RESULT} line. Kaldi's online decoder runs one thread per
 * recognizer, so the thread column is 1 whatever the others use.
 *
 * <pre>java -cp ... dev.stt.bench.peers.VoskPeer [--speech DIR] [--rounds N]</pre>
 */
public final class VoskPeer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private VoskPeer() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("speech", "rounds"), "VoskPeer [--speech DIR] [--rounds N]");
        int rounds = a.positiveInt("rounds", 3);
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Path dir = VoskModelFolder.ensure();
        try (Model model = new Model(dir.toString())) {
            transcribe(model, clips.get(0)); // warm-up: first-touch page faults of the graph
            WordErrorRate.Score score = new WordErrorRate.Score(0, 0);
            double audio = 0;
            double wall = 0;
            for (BenchClip clip : clips) {
                double[] ms = new double[rounds];
                String text = null;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    text = transcribe(model, clip);
                    ms[r] = (System.nanoTime() - t0) / 1e6;
                }
                double median = Stats.median(ms);
                score = score.plus(WordErrorRate.score(clip.reference(), text));
                audio += clip.seconds();
                wall += median / 1000;
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("file", clip.file());
                row.put("transcript", text);
                row.put("audio_s", round(clip.seconds(), 3));
                row.put("total_ms", round(median, 1));
                System.out.println(JSON.writeValueAsString(row));
            }
            System.out.println(new RunSummary("vosk-small-en-0.3.45", 1, clips.size(), audio, wall, score.rate()).resultLine());
        }
    }

    /** Streams a clip through a fresh recognizer and joins every final result's text. */
    static String transcribe(Model model, BenchClip clip) throws Exception {
        StringBuilder text = new StringBuilder();
        try (Recognizer rec = new Recognizer(model, 16_000f)) {
            VoskStream.feed(rec, clip.samples(), json -> append(text, json));
        }
        return text.toString();
    }

    private static void append(StringBuilder into, String resultJson) throws java.io.IOException {
        String t = JSON.readTree(resultJson).path("text").asText("").strip();
        if (!t.isEmpty()) {
            if (!into.isEmpty()) {
                into.append(' ');
            }
            into.append(t);
        }
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
