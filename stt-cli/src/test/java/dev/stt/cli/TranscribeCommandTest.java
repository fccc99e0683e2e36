package dev.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.audio.Pcm16;
import dev.stt.audio.WavReader;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.testkit.Signals;
import dev.stt.eval.TextNormalizer;
import dev.stt.eval.WordErrorRate;
import dev.stt.segment.SpeechSegment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code stt transcribe} end to end: real WAV files, Silero VAD cutting, Moonshine tiny. */
class TranscribeCommandTest {

    private static final int RATE = 16_000;
    private static List<SpeechCorpus.Clip> clips;
    private static Path jfk;

    @BeforeAll
    static void corpus() throws IOException {
        clips = SpeechCorpus.load(TestData.speechDir());
        jfk = TestData.speechDir().resolve("jfk.wav");
    }

    /** Output and exit status of one command run. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new TranscribeCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMinuteOfClipsJoinedWithPausesIsTranscribedToTheEnd(@TempDir Path tmp) throws Exception {
        // every shared clip, one after another with a second of silence between: about 66 s, over twice
        // the ~30 s past which Moonshine drops words, so only cutting at the pauses gets all of it
        List<float[]> parts = new ArrayList<>();
        StringBuilder reference = new StringBuilder();
        for (SpeechCorpus.Clip c : clips) {
            parts.add(WavReader.read(c.wav()).toMono16k());
            parts.add(new float[RATE]);
            reference.append(c.reference()).append(' ');
        }
        Path joined = writeWav(tmp.resolve("joined.wav"), Signals.concat(parts));

        Run r = run("--format", "json", "--threads", "1", joined.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertTrue(json.get("duration").asDouble() > 60, "duration " + json.get("duration"));
        // a file this long shows its progress on stderr; not a terminal here, so as lines, never redrawn with \r
        assertTrue(r.err().contains("joined.wav: 10%") && r.err().contains("joined.wav: done (67 s)"), r.err());
        assertTrue(!r.err().contains("\r"), "no carriage-return redraws on a redirected stderr: " + r.err());
        String text = json.get("text").asText();
        WordErrorRate.Score score = WordErrorRate.score(reference.toString(), text);
        LoggerFactory.getLogger(TranscribeCommandTest.class).info("{} s joined: {} segments, WER {} over {} words",
                json.get("duration"), json.get("segments").size(), score.rate(), score.referenceWords());
        assertTrue(score.rate() <= 0.05, "WER " + score.rate() + ": " + text);
        String lastClip = TextNormalizer.normalize(clips.get(clips.size() - 1).reference());
        assertTrue(TextNormalizer.normalize(text).endsWith(lastClip), "the end is missing: " + text);

        JsonNode segments = json.get("segments");
        // pieces of at most 20 s: a minute of speech needs at least four
        assertTrue(segments.size() >= 4, "the pauses should cut the signal, got " + segments.size() + " segments");
        double previousEnd = 0;
        for (JsonNode s : segments) {
            double start = s.get("start").asDouble();
            double end = s.get("end").asDouble();
            assertTrue(start >= previousEnd - 1e-3 && end > start && end - start <= dev.stt.transcribe.TranscriptionPolicy.DEFAULTS.joinedMaxSeconds() + 1e-3,
                    "segment " + s);
            previousEnd = end;
        }
    }

    @Test
    void severalFilesInTextFormatGiveOneLineEach() throws Exception {
        Path second = clips.stream().filter(c -> c.name().endsWith("1089-134691-0000")).findFirst().orElseThrow().wav();
        Run r = run("--threads", "1", jfk.toString(), second.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].startsWith(jfk + "\t"), lines[0]);
        assertTrue(lines[1].startsWith(second + "\t"), lines[1]);
        assertTrue(WordErrorRate.rate(Files.readString(jfk.resolveSibling("jfk.txt")), lines[0].split("\t")[1]) <= 0.05, lines[0]);
        assertEquals("he could wait no longer", TextNormalizer.normalize(lines[1].split("\t")[1]));
    }

    @Test
    void srtAndVttCuesFollowTheWordsAndStayReadable(@TempDir Path tmp) throws Exception {
        // 2 s silence, JFK (one 105-character sentence: more than two subtitle lines), 2 s silence, "he could wait no longer"
        float[] speech = WavReader.read(jfk).toMono16k();
        float[] second = WavReader.read(TestData.speechDir().resolve("librispeech/1089-134691-0000.wav")).toMono16k();
        Path file = writeWav(tmp.resolve("two.wav"), Signals.concat(List.of(new float[2 * RATE], speech, new float[2 * RATE], second)));
        Run srt = run("--format", "srt", "--threads", "1", file.toString());
        assertEquals(0, srt.status(), srt.err());
        String[] blocks = srt.out().strip().split("\n\n");
        assertTrue(blocks.length >= 3, "JFK's sentence is cut into cues a viewer can read: " + srt.out());
        StringBuilder said = new StringBuilder();
        double previousEnd = 0;
        for (int k = 0; k < blocks.length; k++) {
            String[] cue = blocks[k].split("\n");
            assertEquals(Integer.toString(k + 1), cue[0]);
            assertTrue(cue[1].matches("\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}"), cue[1]);
            double start = seconds(cue[1].substring(0, 12));
            double end = seconds(cue[1].substring(17));
            assertTrue(start >= previousEnd - 1e-3 && end > start && end - start <= 7.001, "cue " + blocks[k]);
            assertTrue(cue[2].length() <= 84, "two lines at most: " + cue[2]);
            previousEnd = end;
            said.append(said.isEmpty() ? "" : " ").append(cue[2]);
        }
        double first = seconds(blocks[0].split("\n")[1].substring(0, 12));
        assertTrue(first > 1.3 && first < 2.7, "first cue starts at " + first);
        String[] last = blocks[blocks.length - 1].split("\n");
        double lastStart = seconds(last[1].substring(0, 12));
        assertTrue(lastStart > 14 && lastStart < 15.8, "the last cue starts at " + lastStart);
        assertEquals("he could wait no longer", TextNormalizer.normalize(last[2]));
        String jfkText = Files.readString(jfk.resolveSibling("jfk.txt"));
        assertTrue(WordErrorRate.rate(jfkText + " he could wait no longer", said.toString()) <= 0.05, said.toString());

        Run vtt = run("--format", "vtt", "--threads", "1", "-o", tmp.resolve("subs").toString(), file.toString());
        assertEquals(0, vtt.status(), vtt.err());
        String written = Files.readString(tmp.resolve("subs").resolve("two.vtt"));
        assertTrue(written.startsWith("WEBVTT\n\n00:00:0"), written);
        assertTrue(written.split("\n")[2].matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} --> \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), written);
        assertEquals(blocks.length, written.strip().split("\n\n").length - 1, written);
    }

    /** --words: each json segment lists its words, on the file's time line (2 s of silence before JFK moves them). */
    @Test
    void wordsComeOnTheFilesTimeLine(@TempDir Path tmp) throws Exception {
        float[] speech = dev.stt.audio.WavReader.read(jfk).toMono16k();
        float[] padded = new float[2 * RATE + speech.length];
        System.arraycopy(speech, 0, padded, 2 * RATE, speech.length);
        Path file = writeWav(tmp.resolve("late-jfk.wav"), padded);
        Run r = run("--format", "json", "--words", "--threads", "1", file.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        double previousEnd = 0;
        int words = 0;
        for (JsonNode segment : json.get("segments")) {
            StringBuilder spelled = new StringBuilder();
            for (JsonNode w : segment.get("words")) {
                assertTrue(w.get("start").asDouble() >= previousEnd - 1e-9, "order: " + w);
                assertTrue(w.get("start").asDouble() >= segment.get("start").asDouble() - 1e-9, "before its segment: " + w);
                assertTrue(w.get("end").asDouble() <= segment.get("end").asDouble() + 1e-9, "after its segment: " + w);
                previousEnd = w.get("end").asDouble();
                spelled.append(spelled.isEmpty() ? "" : " ").append(w.get("word").asText());
                words++;
            }
            assertEquals(segment.get("text").asText().strip(), spelled.toString());
        }
        assertTrue(words >= 20, "words " + words + " in " + r.out());
        // Vosk puts "and" at 0.30-0.60 s of jfk.wav, so 2.30-2.60 s here; a segment's first word may start at the
        // segment's start (the VAD's padding before the speech goes with it), so its start is checked loosely
        JsonNode first = json.get("segments").get(0).get("words").get(0);
        assertTrue(first.get("start").asDouble() > 1.8 && first.get("start").asDouble() < 2.45, r.out());
        assertEquals(2.60, first.get("end").asDouble(), 0.15, r.out());
        // without --words the json has no words field
        Run plain = run("--format", "json", "--threads", "1", file.toString());
        assertTrue(!plain.out().contains("\"words\""), plain.out());
    }

    @Test
    void silenceGivesNoText(@TempDir Path tmp) throws Exception {
        Path quiet = writeWav(tmp.resolve("quiet.wav"), new float[3 * RATE]);
        Run r = run("--format", "json", "--threads", "1", quiet.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("", json.get("text").asText());
        assertEquals(0, json.get("segments").size());
    }

    @Test
    void unreadableFilesAreReportedAndTheRestStillTranscribed(@TempDir Path tmp) throws Exception {
        Path notWav = Files.writeString(tmp.resolve("notes.wav"), "this is not audio");
        Path missing = tmp.resolve("missing.wav");
        Run r = run("--threads", "1", notWav.toString(), missing.toString(), jfk.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().split("notes\\.wav", -1).length - 1, "the file is named once: " + r.err());
        assertTrue(r.err().contains(missing + ": no such file"), r.err());
        assertTrue(r.err().indexOf("missing.wav") < r.err().indexOf("notes.wav"), "a missing file is said before any work: " + r.err());
        assertTrue(r.out().contains(jfk + "\t"), r.out());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of()));
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of("--format", "xml", "a.wav")));
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of("--threads", "-2", "a.wav")));
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of("--bogus", "a.wav")));
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of("a.wav", "--model")));
        assertThrows(SttCommand.UsageException.class, () -> TranscribeCommand.parse(List.of("--format", "srt", "a.wav", "b.wav")));
        assertEquals(TranscribeCommand.Format.SRT,
                assertDoesNotThrow(List.of("--format", "srt", "-o", "out", "a.wav", "b.wav")).format());
    }

    private static TranscribeCommand.Options assertDoesNotThrow(List<String> args) {
        try {
            return TranscribeCommand.parse(args);
        } catch (SttCommand.UsageException e) {
            throw new AssertionError(e);
        }
    }

    private static double seconds(String hhmmss) {
        String[] p = hhmmss.replace(',', '.').split(":");
        return Integer.parseInt(p[0]) * 3600 + Integer.parseInt(p[1]) * 60 + Double.parseDouble(p[2]);
    }


    /** A canonical 44-byte-header PCM16 mono WAV at 16 kHz. */
    private static Path writeWav(Path file, float[] samples) throws IOException {
        byte[] pcm = Pcm16.encode(samples);
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
        Files.write(file, b.array());
        return file;
    }
}
