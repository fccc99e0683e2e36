package dev.stt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioSource;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.eval.TestData;
import dev.stt.model.ModelStore;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.TranscriptionPolicy;
import dev.stt.vad.SileroVad;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in real Spark local mode (local[2]) with the real Moonshine tiny and Silero models on the repo's
 * clips in five formats plus a corrupt file: the rows hold what {@code stt transcribe} prints, the corrupt file
 * has an error row instead of failing the stage, and a second run over the same output transcribes nothing.
 */
class BatchJobTest {

    private static final List<String> CLIPS = List.of("jfk.mp3", "jfk.flac", "jfk.opus");

    @TempDir
    static Path dir;
    static Path input;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        input = Files.createDirectories(dir.resolve("archive/nested"));
        Files.copy(TestData.jfkWav(), input.resolve("jfk.wav"));
        Files.copy(TestData.speechDir().resolve("librispeech/1089-134686-0000.wav"), input.resolve("libri.wav"));
        for (String clip : CLIPS) {
            Files.copy(TestData.repoDir().resolve("stt-audio-ffmpeg/src/test/resources").resolve(clip), input.resolve(clip));
        }
        byte[] junk = new byte[50_000];
        new Random(22).nextBytes(junk);
        Files.write(input.resolve("corrupt.mp3"), junk);
        Files.writeString(dir.resolve("archive/.hidden.txt"), "not listed");
        spark = BatchCommand.local(2, 1, false);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        ExecutorEngine.closeNow();
    }

    private static BatchOptions options(String output, BatchOptions.Format format, String... inputs) {
        return new BatchOptions(List.of(inputs), output, format, BatchOptions.DEFAULT_MODEL, null, 0,
                BatchOptions.DEFAULT_WAVE_FILES);
    }

    /** What `stt transcribe` prints for each file: the CLI's own path (AudioFiles.open(Path), FileTranscriber). */
    private static Map<String, String> cliTexts(List<Path> files) throws IOException {
        ModelStore store = ModelStore.fromEnvironment();
        Map<String, String> out = new HashMap<>();
        try (SileroVad vad = SileroVad.open(store);
             SttEngine engine = SttEngines.open(EngineConfig.builder(BatchOptions.DEFAULT_MODEL).store(store).build())) {
            FileTranscriber t = new FileTranscriber(engine, vad, TranscriptionPolicy.DEFAULTS);
            for (Path f : files) {
                try (AudioSource audio = AudioFiles.open(f)) {
                    out.put(f.getFileName().toString(), t.transcribe(audio).text());
                }
            }
        }
        return out;
    }

    @Test
    void parquetRowsMatchTheCliAndASecondRunTranscribesNothing() throws Exception {
        String output = dir.resolve("out.parquet").toUri().toString();
        BatchResult first = BatchJob.run(spark, options(output, BatchOptions.Format.PARQUET, dir.resolve("archive").toString()));
        assertEquals(6, first.listed());
        assertEquals(6, first.transcribed());
        assertEquals(1, first.failed());
        assertEquals(0, first.skipped());
        assertTrue(first.audioSeconds() > 40, "audio seconds " + first.audioSeconds());

        List<Row> rows = spark.read().parquet(output).collectAsList();
        assertEquals(6, rows.size());
        Map<String, Row> byName = new HashMap<>();
        for (Row r : rows) {
            byName.put(Path.of(java.net.URI.create(r.getAs("path"))).getFileName().toString(), r);
        }
        List<Path> good;
        try (Stream<Path> s = Files.list(input)) {
            good = s.filter(p -> !p.getFileName().toString().startsWith("corrupt")).sorted().toList();
        }
        Map<String, String> expected = cliTexts(good);
        for (Path f : good) {
            String name = f.getFileName().toString();
            Row r = byName.get(name);
            assertNotNull(r, name);
            assertNull(r.getAs("error"), name);
            assertEquals(expected.get(name), r.getAs("text"), name);
            assertFalse(((String) r.getAs("text")).isBlank(), name);
            assertTrue((double) r.getAs("duration") > 5, name);
            assertEquals("moonshine-tiny", r.getAs("model"));
            assertNotNull(r.getAs("model_version"));
            assertFalse(r.getList(r.fieldIndex("segments")).isEmpty(), name);
            assertEquals(Files.size(f), (long) r.getAs("size_bytes"));
        }
        assertTrue(((String) byName.get("jfk.mp3").getAs("text")).toLowerCase().contains("ask not what your country"));
        Row corrupt = byName.get("corrupt.mp3");
        assertNotNull(corrupt.getAs("error"));
        assertNull(corrupt.getAs("text"));
        // one engine for the whole job, shared by both task slots
        assertEquals(1, ExecutorEngine.OPENED.get());

        BatchResult second = BatchJob.run(spark, options(output, BatchOptions.Format.PARQUET, dir.resolve("archive").toString()));
        assertEquals(0, second.transcribed());
        assertEquals(6, second.skipped());
        assertEquals(6, spark.read().parquet(output).count());
    }

    @Test
    void anOutputOfTheOtherFormatIsRefusedBeforeAnyWork() throws Exception {
        Path output = Files.createDirectories(dir.resolve("was-parquet"));
        Files.write(output.resolve("part-00000-0.snappy.parquet"), new byte[0]);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchJob.run(spark, options(output.toString(), BatchOptions.Format.JSONL, input.toString())));
        assertTrue(e.getMessage().contains("parquet"), e.getMessage());
    }

    @Test
    void jsonLinesHoldPathTextAndANullErrorPerFile() throws Exception {
        Path list = dir.resolve("list.txt");
        Files.writeString(list, input.resolve("jfk.wav") + "\n" + input.resolve("corrupt.mp3") + "\n"
                + dir.resolve("missing.wav") + "\n", StandardCharsets.UTF_8);
        Path output = dir.resolve("out.jsonl");
        BatchResult r = BatchJob.run(spark, options(output.toString(), BatchOptions.Format.JSONL, "@" + list));
        assertEquals(3, r.transcribed());
        assertEquals(2, r.failed());
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> byName = new HashMap<>();
        try (Stream<Path> parts = Files.list(output)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode n = json.readTree(line);
                    byName.put(n.get("path").asText().replaceAll(".*/", ""), n);
                }
            }
        }
        assertEquals(3, byName.size());
        assertTrue(byName.get("jfk.wav").has("error"));
        assertTrue(byName.get("jfk.wav").get("error").isNull());
        assertTrue(byName.get("jfk.wav").get("text").asText().toLowerCase().contains("ask not"));
        assertFalse(byName.get("corrupt.mp3").get("error").isNull());
        assertFalse(byName.get("missing.wav").get("error").isNull());
        assertEquals(0, BatchJob.run(spark, options(output.toString(), BatchOptions.Format.JSONL, "@" + list)).transcribed());
    }
}
