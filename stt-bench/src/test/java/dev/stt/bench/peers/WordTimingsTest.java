package dev.stt.bench.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.bench.BenchClip;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/** The speech boundaries the VAD test measures against are what Vosk's alignment says, not numbers typed in. */
class WordTimingsTest {

    /** Where stt-vad's test reads them. */
    static final Path COMMITTED = Path.of(System.getProperty("stt.repo.dir", ".."), "stt-vad", "src", "test", "resources", "dev", "stt", "vad", "speech-boundaries.tsv");

    @Test
    void theCommittedBoundariesAreVosksAlignmentOfTheSharedClips() throws Exception {
        List<BenchClip> clips = BenchClip.load(null);
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        List<String> aligned;
        try (Model model = new Model(VoskModelFolder.ensure().toString())) {
            aligned = WordTimings.table(model, clips);
        }
        assertEquals(clips.size() + 3, aligned.size(), "a header and a row per clip");
        assertEquals(aligned, Files.readAllLines(COMMITTED, StandardCharsets.UTF_8),
                "regenerate with: bench/java.sh dev.stt.bench.peers.WordTimings --out " + COMMITTED.normalize());
    }

    /** Where the Moonshine word-timestamp test reads the per-word truth. */
    static final Path COMMITTED_WORDS = Path.of(System.getProperty("stt.repo.dir", ".."), "stt-engine-moonshine", "src", "test",
            "resources", "dev", "stt", "moonshine", "vosk-words.tsv");

    @Test
    void theCommittedWordTruthIsVosksAlignmentOfTheSharedClips() throws Exception {
        List<BenchClip> clips = BenchClip.load(null);
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        List<String> aligned;
        try (Model model = new Model(VoskModelFolder.ensure().toString())) {
            aligned = WordTimings.wordTable(model, clips);
        }
        if (Boolean.getBoolean("stt.regenerate")) {
            Files.write(COMMITTED_WORDS, aligned, StandardCharsets.UTF_8);
        }
        assertTrue(aligned.size() > 3 + clips.size() * 5, "a header and the words of every clip");
        assertEquals(aligned, Files.readAllLines(COMMITTED_WORDS, StandardCharsets.UTF_8),
                "regenerate with: bench/java.sh dev.stt.bench.peers.WordTimings --rows words --out " + COMMITTED_WORDS.normalize());
    }

    @Test
    void aSpanRunsFromTheFirstWordToTheLastAndFindsTheLongestPause() {
        List<WordTimings.Word> words = List.of(
                new WordTimings.Word("ask", 0.30, 0.52),
                new WordTimings.Word("not", 0.55, 0.80),
                new WordTimings.Word("what", 1.76, 2.00),
                new WordTimings.Word("your", 2.10, 2.31));
        WordTimings.Span span = WordTimings.Span.of("x.wav", words);
        assertEquals(300, span.startMs());
        assertEquals(2310, span.endMs());
        assertEquals(960, span.longestPauseMs());
        assertEquals("not", span.pauseAfter());
        assertEquals("what", span.pauseBefore());
        assertTrue(span.row().startsWith("x.wav\t300\t2310\t960\t"), span.row());
        assertThrows(IllegalStateException.class, () -> WordTimings.Span.of("silent.wav", List.of()));
    }
}
