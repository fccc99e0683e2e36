package dev.stt.spark;

import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioSource;
import dev.stt.engine.Transcript;
import dev.stt.engine.WordTiming;
import dev.stt.transcribe.FileTranscript;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The output's schema, one row per input file, and how one file becomes its row. */
public final class TranscriptRows {

    public static final StructType SEGMENT = new StructType()
            .add("start", DataTypes.DoubleType, false)
            .add("end", DataTypes.DoubleType, false)
            .add("text", DataTypes.StringType, false);

    public static final StructType WORD = new StructType()
            .add("word", DataTypes.StringType, false)
            .add("start", DataTypes.DoubleType, false)
            .add("end", DataTypes.DoubleType, false)
            .add("probability", DataTypes.DoubleType, true);

    /**
     * path (as listed, fully qualified), size_bytes, duration (seconds; null when undecodable), language, text
     * (what {@code stt transcribe} prints), segments, words (empty when the model gives none), model,
     * model_version, error (null when fine), processing_seconds (read + decode + transcribe on the executor).
     */
    public static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("size_bytes", DataTypes.LongType, false)
            .add("duration", DataTypes.DoubleType, true)
            .add("language", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("segments", DataTypes.createArrayType(SEGMENT, false), true)
            .add("words", DataTypes.createArrayType(WORD, false), true)
            .add("model", DataTypes.StringType, true)
            .add("model_version", DataTypes.StringType, true)
            .add("error", DataTypes.StringType, true)
            .add("processing_seconds", DataTypes.DoubleType, false);

    /** Files larger than this cannot be held in one byte array; they get an error row. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private TranscriptRows() {
    }

    /** What one file came to: its row and the seconds of audio it held (0 on error). */
    public record Outcome(Row row, double audioSeconds, boolean failed) {
    }

    /**
     * Reads {@code file} through its Hadoop file system, decodes it ({@link AudioFiles#open(byte[], String)}: WAV
     * in Java, everything else through FFmpeg) and transcribes it. Any failure of this one file (missing,
     * unreadable, undecodable, too long) becomes its row's error; nothing is thrown for it.
     */
    public static Outcome transcribe(ExecutorEngine.Loaded engine, FileRef file, Configuration conf) {
        long t0 = System.nanoTime();
        try {
            byte[] data = read(file, conf);
            FileTranscript t;
            try (AudioSource audio = AudioFiles.open(data, new Path(file.path()).getName())) {
                t = engine.transcriber().transcribe(audio);
            }
            Row row = RowFactory.create(file.path(), file.size(), t.durationSeconds(), t.language(), t.text(),
                    segments(t.segments()), words(t.words()), engine.modelName(), engine.modelVersion(), null,
                    seconds(t0));
            return new Outcome(row, t.durationSeconds(), false);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            Row row = RowFactory.create(file.path(), file.size(), null, null, null, null, null, engine.modelName(),
                    engine.modelVersion(), error, seconds(t0));
            return new Outcome(row, 0, true);
        }
    }

    static byte[] read(FileRef file, Configuration conf) throws IOException {
        if (file.size() > MAX_BYTES) {
            throw new IOException("file of " + file.size() + " bytes is larger than one read can hold (2 GiB)");
        }
        Path p = new Path(file.path());
        FileSystem fs = p.getFileSystem(conf);
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, file.size()));
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static Row[] segments(List<Transcript> segments) {
        return segments.stream()
                .filter(s -> !s.text().isBlank())
                .map(s -> RowFactory.create(s.start(), s.end(), s.text().strip()))
                .toArray(Row[]::new);
    }

    private static Row[] words(List<WordTiming> words) {
        return words.stream()
                .map(w -> RowFactory.create(w.word(), w.start(), w.end(),
                        Double.isFinite(w.probability()) ? w.probability() : null))
                .toArray(Row[]::new);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
