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
        choices.put("best 8 heads", List.of(new int[] {3, 5}, new int[] {3, 7}, new int[] {4, 1}, new int[] {4, 7},
                new int[] {5, 1}, new int[] {5, 4}, new int[] {5, 6}, new int[] {5, 7}));
        StringBuilder table = new StringBuilder("\nheads        | start mean | median | p90 | end mean | median | p90 (ms) | matched | first-word start error mean\n");
        for (double leading : new double[] {Double.NaN, 0.5, 0.75, 0.9}) {
            table.append(Double.isNaN(leading) ? "path from frame 0 (Whisper):\n" : "first row starts at " + leading + " of its peak:\n");
            for (Map.Entry<String, List<int[]>> choice : choices.entrySet()) {
                table.append(total(decoded, choice.getValue(), leading).row(choice.getKey()))
                        .append(String.format(Locale.ROOT, " | %5.0f", 1000 * firstWordError(decoded, choice.getValue(), leading))).append('\n');
            }
        }
        // the first word's start alone: which heads place it best, at which fraction
        table.append("\nfirst-word start error mean (ms), by heads for the first row and fraction:\n");
        Map<String, List<int[]>> firstRow = new LinkedHashMap<>();
        firstRow.put("layers 4-5", MoonshineEngine.heads(4, 5));
        firstRow.put("layers 0-2", MoonshineEngine.heads(0, 1, 2));
        firstRow.put("layer 0", MoonshineEngine.heads(0));
        firstRow.put("layer 2", MoonshineEngine.heads(2));
        firstRow.put("all", MoonshineEngine.heads(0, 1, 2, 3, 4, 5));
        for (Map.Entry<String, List<int[]>> fr : firstRow.entrySet()) {
            table.append(String.format(Locale.ROOT, "%-12s", fr.getKey()));
            for (double fraction : new double[] {0.5, 0.75, 0.9, 0.95}) {
                table.append(String.format(Locale.ROOT, " | %.2f: %4.0f", fraction,
                        1000 * firstWordError(decoded, MoonshineEngine.ALIGNMENT_HEADS, fraction, fr.getValue())));
            }
            table.append('\n');
        }
        // trimming each word to where its tokens' attention rises, so pauses go to neither neighbour
        table.append("\nwords trimmed to their attention (layers 4-5):\n");
        for (double trim : new double[] {0.1, 0.25, 0.5}) {
            Errors all = new Errors(List.of(), List.of(), 0, 0);
            for (Map.Entry<String, Map.Entry<Transcript, DecodedSequence>> e : decoded.entrySet()) {
                Transcript timed = engine.withWords(e.getValue().getKey(), e.getValue().getValue(), clips.get(e.getKey()).length,
                        MoonshineEngine.ALIGNMENT_HEADS, dev.stt.onnx.align.WordTimer.FIRST_ROW_FRACTION, MoonshineEngine.FIRST_WORD_HEADS, trim);
                all = all.plus(Errors.of(timed.words(), truth.get(e.getKey())));
            }
            table.append(all.row("trim " + trim)).append('\n');
        }
        // single heads, to see whether a few alignment heads beat whole layers (as in Whisper)
        for (int l = 0; l < 6; l++) {
            for (int h = 0; h < 8; h++) {
                table.append(total(decoded, List.of(new int[] {l, h}), Double.NaN).row("L" + l + "H" + h)).append('\n');
            }
        }
        System.out.println(table);
    }

    /** The issue's bar (#19), on the heads the engine uses. */
    @Test
    void wordTimesAgreeWithVosksAlignment() {
        Errors all = total(decodeAll(), MoonshineEngine.ALIGNMENT_HEADS, dev.stt.onnx.align.WordTimer.FIRST_ROW_FRACTION);
        System.out.println("\nALIGNMENT_HEADS: " + all.row("chosen"));
        assertTrue(all.matched() >= 0.85 * all.truthWords(), "words both recognisers heard and we timed: " + all.row("chosen"));
        assertTrue(Errors.quantile(all.start(), 0.5) <= 0.080, "start median " + all.row("chosen"));
        assertTrue(Errors.quantile(all.start(), 0.9) <= 0.200, "start p90 " + all.row("chosen"));
        assertTrue(Errors.quantile(all.end(), 0.5) <= 0.120, "end median " + all.row("chosen"));
        assertTrue(Errors.quantile(all.end(), 0.9) <= 0.250, "end p90 " + all.row("chosen"));
    }

    @Test
    void jfkWordsAreInOrderDoNotOverlapStayInsideAndSpellTheTranscript() throws IOException {
        float[] jfk = WavReader.read(TestData.jfkWav()).toMono16k();
        Transcript t = engine.transcribe(jfk, WORDS);
        List<WordTiming> words = t.words();
        assertFalse(words.isEmpty(), "no words for " + t.text());
        System.out.println("\njfk.wav words: " + words.stream().map(w -> String.format(Locale.ROOT, "%s %.2f-%.2f", w.word(), w.start(), w.end())).toList());
        double previousEnd = 0;
        for (WordTiming w : words) {
            assertTrue(w.start() >= previousEnd - 1e-9, "overlap or disorder at " + w + " in " + words);
            assertTrue(w.end() >= w.start(), w.toString());
            assertTrue(w.end() <= t.end() + 1e-9, "after the segment: " + w);
            assertTrue(w.probability() > 0 && w.probability() <= 1, w.toString());
            assertFalse(w.word().isBlank() || w.word().contains(" "), "'" + w.word() + "'");
            previousEnd = w.end();
        }
        assertEquals(t.text().replace(" ", ""), String.join("", words.stream().map(WordTiming::word).toList()));
        assertEquals(t.text(), String.join(" ", words.stream().map(WordTiming::word).toList()));
        // "and so my fellow americans" ... "ask what you can do for your country": Vosk puts "and" at 0.30 s, "country"
        // ending at 10.56 s. The first word of a segment may take the leading silence with it (the path starts at
        // frame 0; see WordTimer.FIRST_ROW_FRACTION): jfk's "And" starts at 0.0, so only its end is checked.
        assertTrue(words.getFirst().start() <= 0.30 + 0.15, words.getFirst().toString());
        assertTrue(Math.abs(words.getFirst().end() - 0.60) < 0.15, words.getFirst().toString());
        assertTrue(Math.abs(words.getLast().end() - 10.56) < 0.25, words.getLast().toString());
    }

    /** Batched rows are padded to the longest: each row is aligned over its own frames only. */
    @Test
    void batchedSegmentsAreTimedOverTheirOwnAudio() {
        List<String> files = new ArrayList<>(clips.keySet());
        List<Transcript> batch = engine.transcribeBatch(files.stream().map(clips::get).toList(), WORDS);
        Errors all = new Errors(List.of(), List.of(), 0, 0);
        for (int i = 0; i < files.size(); i++) {
            Transcript t = batch.get(i);
            assertFalse(t.words().isEmpty(), files.get(i));
            assertTrue(t.words().getLast().end() <= t.end() + 1e-9, files.get(i) + ": " + t.words().getLast());
            assertEquals(t.text(), String.join(" ", t.words().stream().map(WordTiming::word).toList()));
            all = all.plus(Errors.of(t.words(), truth.get(files.get(i))));
        }
        System.out.println("\nbatched: " + all.row("chosen"));
        assertTrue(Errors.quantile(all.start(), 0.5) <= 0.080, all.row("batched"));
        assertTrue(Errors.quantile(all.end(), 0.5) <= 0.120, all.row("batched"));
    }

    @Test
    void theEncoderFrameCountIsWhatTheStridesSay() throws IOException {
        float[] jfk = WavReader.read(TestData.jfkWav()).toMono16k();
        DecodedSequence[] row = new DecodedSequence[1];
        engine.rowTap = d -> row[0] = d;
        try {
            engine.transcribe(jfk, WORDS);
        } finally {
            engine.rowTap = null;
        }
        assertNotNull(row[0].attention());
        assertEquals(MoonshineEngine.encoderFrames(jfk.length), row[0].attention().frames());
        assertEquals(jfk.length / MoonshineEngine.SAMPLES_PER_FRAME, row[0].attention().frames(), 1.0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), row[0].attention().layers());
        assertEquals(8, row[0].attention().heads());
        // one run per token and one for the prompt when end of text stopped the row
        assertEquals(row[0].tokens().length + (row[0].stopped() ? 1 : 0), row[0].attention().runs().size());
    }

    /** Without word times the plain decoder runs: same text as before, and the attention decoder stays closed. */
    @Test
    void thePlainPathGivesTheSameTextAndNeverOpensTheAttentionDecoder() throws Exception {
        float[] jfk = WavReader.read(TestData.jfkWav()).toMono16k();
        Path dir = ModelStore.fromEnvironment().ensure("moonshine-tiny");
        try (MoonshineEngine fresh = MoonshineEngine.open("moonshine-tiny", dir, EngineConfig.builder("moonshine-tiny").intraThreads(1).build())) {
            int edits = AttentionGraphCache.edits();
            Transcript plain = fresh.transcribe(jfk, TranscribeOptions.DEFAULTS);
            List<Transcript> batch = fresh.transcribeBatch(List.of(jfk, Arrays.copyOf(jfk, jfk.length / 2)), TranscribeOptions.DEFAULTS);
            assertFalse(fresh.attentionDecoderOpen(), "the plain path opened the attention decoder");
            assertTrue(plain.words().isEmpty());
            assertEquals(edits, AttentionGraphCache.edits());
            Transcript timed = fresh.transcribe(jfk, WORDS);
            assertTrue(fresh.attentionDecoderOpen());
            // the cost of word times on jfk.wav, one thread (encoder and decoder): CPU time of this thread, which
            // ONNX Runtime runs a one-thread session on, so other builds sharing the machine do not blur it
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            List<Long> plains = new ArrayList<>();
            List<Long> timeds = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                fresh.transcribe(jfk, TranscribeOptions.DEFAULTS);
                long t1 = cpu.getCurrentThreadCpuTime();
                fresh.transcribe(jfk, WORDS);
                long t2 = cpu.getCurrentThreadCpuTime();
                plains.add(t1 - t0);
                timeds.add(t2 - t1);
            }
            plains.sort(null);
            timeds.sort(null);
            long plainNanos = plains.get(0);
            long wordNanos = timeds.get(0);
            // the alignment alone (DTW, filters), on one decoded row
            DecodedSequence[] row = new DecodedSequence[1];
            fresh.rowTap = d -> row[0] = d;
            Transcript again = fresh.transcribe(jfk, WORDS);
            fresh.rowTap = null;
            long alignNanos = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                long a0 = cpu.getCurrentThreadCpuTime();
                fresh.withWords(again, row[0], jfk.length, MoonshineEngine.ALIGNMENT_HEADS);
                alignNanos = Math.min(alignNanos, cpu.getCurrentThreadCpuTime() - a0);
            }
            System.out.printf(Locale.ROOT, "%njfk.wav, 15 interleaved runs, 1 thread, thread CPU time: plain best %.0f ms median %.0f ms;"
                    + " with word times best %.0f ms median %.0f ms; of which the alignment %.1f ms%n", plainNanos / 1e6,
                    plains.get(7) / 1e6, wordNanos / 1e6, timeds.get(7) / 1e6, alignNanos / 1e6);
            assertEquals(plain.text(), timed.text(), "the exposed attention changed the decode");
            assertEquals(plain.text(), batch.get(0).text());
            assertEquals(plain.avgLogProb(), timed.avgLogProb(), 1e-4);
        }
        assertEquals(0, dev.stt.onnx.LiveTensors.live(), "tensors left alive after the engine closed");
        // another engine reuses the edited graph on disk instead of editing again
        int edits = AttentionGraphCache.edits();
        try (MoonshineEngine second = MoonshineEngine.open("moonshine-tiny", dir, EngineConfig.builder("moonshine-tiny").intraThreads(1).build())) {
            assertFalse(second.transcribe(jfk, WORDS).words().isEmpty());
            assertTrue(second.attentionDecoderOpen());
        }
        assertEquals(edits, AttentionGraphCache.edits(), "the second engine edited the graph again");
        assertEquals(0, dev.stt.onnx.LiveTensors.live());
    }

    /** Mean absolute error of each clip's first word start (leading silence is where a path from frame 0 errs). */
    static double firstWordError(Map<String, Map.Entry<Transcript, DecodedSequence>> decoded, List<int[]> heads, double leading) {
        return firstWordError(decoded, heads, leading, null);
    }

    static double firstWordError(Map<String, Map.Entry<Transcript, DecodedSequence>> decoded, List<int[]> heads, double leading,
                                 List<int[]> firstRowHeads) {
        double sum = 0;
        for (Map.Entry<String, Map.Entry<Transcript, DecodedSequence>> e : decoded.entrySet()) {
            Transcript timed = engine.withWords(e.getValue().getKey(), e.getValue().getValue(), clips.get(e.getKey()).length, heads, leading,
                    firstRowHeads);
            sum += Math.abs(timed.words().getFirst().start() - truth.get(e.getKey()).getFirst().start());
        }
        return sum / decoded.size();
    }

    static Errors total(Map<String, Map.Entry<Transcript, DecodedSequence>> decoded, List<int[]> heads, double leading) {
        Errors all = new Errors(List.of(), List.of(), 0, 0);
        for (Map.Entry<String, Map.Entry<Transcript, DecodedSequence>> e : decoded.entrySet()) {
            Transcript t = e.getValue().getKey();
            Transcript timed = engine.withWords(t, e.getValue().getValue(), clips.get(e.getKey()).length, heads, leading,
                    MoonshineEngine.FIRST_WORD_HEADS);
            all = all.plus(Errors.of(timed.words(), truth.get(e.getKey())));
        }
        return all;
    }
}
