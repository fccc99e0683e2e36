package dev.stt.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.bench.BenchArgs;
import dev.stt.bench.BenchClip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * Where speech is in each shared clip, by word: Vosk (Kaldi, an independent recognizer) aligns every word
 * it hears, and the first word's start and the last word's end are the clip's speech boundaries. This is
 * the truth the VAD test measures Silero against: an energy threshold cannot tell a LibriVox noise floor
 * 27 dB under the voice, or JFK's applause, from speech, and a recogniser's word times can.
 *
 * <pre>bench/java.sh dev.stt.bench.peers.WordTimings [--speech DIR] [--rows spans|words] [--out FILE]</pre>
 *
 * Writes one tab-separated row per clip: file, speech start and end in ms, the longest pause between two
 * words in ms, and the words either side of it. With {@code --rows words}, one row per word instead (the truth
 * of the word-timestamp tests). Without {@code --out} the rows go to standard output.
 */
public final class WordTimings {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A word Vosk heard, in seconds from the clip's first sample. */
    public record Word(String text, double start, double end) {
    }

    /** A clip's speech as words say it: first word to last, and its longest silence between words. */
    public record Span(String file, long startMs, long endMs, long longestPauseMs, String pauseAfter, String pauseBefore) {

        String row() {
            return String.join("\t", file, Long.toString(startMs), Long.toString(endMs), Long.toString(longestPauseMs),
                    pauseAfter + " | " + pauseBefore);
        }

        static Span of(String file, List<Word> words) {
            if (words.isEmpty()) {
                throw new IllegalStateException("Vosk heard no words in " + file);
            }
            long longest = 0;
            String after = "-", before = "-";
            for (int i = 1; i < words.size(); i++) {
                long pause = Math.round((words.get(i).start() - words.get(i - 1).end()) * 1000);
                if (pause > longest) {
                    longest = pause;
                    after = words.get(i - 1).text();
                    before = words.get(i).text();
                }
            }
            return new Span(file, Math.round(words.getFirst().start() * 1000), Math.round(words.getLast().end() * 1000),
                    longest, after, before);
        }
    }

    private WordTimings() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("speech", "out", "rows"), "WordTimings [--speech DIR] [--rows spans|words] [--out FILE]");
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));
        List<String> rows;
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try (Model model = new Model(VoskModelFolder.ensure().toString())) {
            rows = "words".equals(a.string("rows", "spans")) ? wordTable(model, clips) : table(model, clips);
        }
        String out = a.string("out", null);
        if (out == null) {
            rows.forEach(System.out::println);
        } else {
            Files.write(Path.of(out), rows, StandardCharsets.UTF_8);
        }
    }

    /** The file's lines: a header, then one row per clip. */
    static List<String> table(Model model, List<BenchClip> clips) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("# Where speech starts and ends in each shared clip, by Vosk's word alignment (vosk-model-en 0.3.45).");
        rows.add("# Regenerate: bench/java.sh dev.stt.bench.peers.WordTimings --out THIS_FILE (WordTimingsTest checks it).");
        rows.add("# file\tspeech_start_ms\tspeech_end_ms\tlongest_pause_ms\tpause_between");
        for (BenchClip clip : clips) {
            rows.add(Span.of(clip.file(), words(model, clip.samples())).row());
        }
        return rows;
    }

    /**
     * The per-word truth the word-timestamp tests measure against: a header, then one row per word Vosk
     * aligned (file, word, start and end in ms from the clip's first sample).
     */
    static List<String> wordTable(Model model, List<BenchClip> clips) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("# Every word Vosk aligned in each shared clip (vosk-model-en 0.3.45), the truth word timestamps are measured against.");
        rows.add("# Regenerate: bench/java.sh dev.stt.bench.peers.WordTimings --rows words --out THIS_FILE (WordTimingsTest checks it).");
        rows.add("# file\tword\tstart_ms\tend_ms");
        for (BenchClip clip : clips) {
            for (Word w : words(model, clip.samples())) {
                rows.add(String.join("\t", clip.file(), w.text(), Long.toString(Math.round(w.start() * 1000)),
                        Long.toString(Math.round(w.end() * 1000))));
            }
        }
        return rows;
    }

    /** Every word of every result, in order, from a fresh recognizer streamed the whole clip at 16 kHz. */
    public static List<Word> words(Model model, float[] samples16k) throws IOException {
        List<Word> words = new ArrayList<>();
        try (Recognizer rec = new Recognizer(model, 16_000f)) {
            rec.setWords(true);
            VoskStream.feed(rec, samples16k, json -> collect(words, json));
        }
        return words;
    }

    private static void collect(List<Word> into, String resultJson) throws IOException {
        for (JsonNode w : JSON.readTree(resultJson).path("result")) {
            into.add(new Word(w.path("word").asText(), w.path("start").asDouble(), w.path("end").asDouble()));
        }
    }
}
