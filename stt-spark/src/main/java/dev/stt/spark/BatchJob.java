package dev.stt.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk transcription on Spark: lists the input files on the driver, leaves out those the output already has
 * a row for, packs the rest into size-balanced partitions and writes one row per file ({@link TranscriptRows#SCHEMA})
 * by appending part files to the output, one Spark job per wave of files.
 *
 * <p>Cores: every task transcribes one file at a time on the executor's one shared engine, whose ONNX
 * sessions use {@code spark.task.cpus} intra-op threads. So an executor with C cores runs
 * C / spark.task.cpus files at once, each on spark.task.cpus threads. The default (1) is right for Moonshine
 * and small Whisper models, which gain more from concurrent files than from more threads per matrix product;
 * raise it for large models, whose products are big enough to split and whose memory is per file.
 *
 * <p>{@code spark-submit --class dev.stt.spark.BatchJob stt-spark.jar INPUT... OUTPUT [--format parquet|jsonl]}
 */
public final class BatchJob {

    private static final Logger LOG = LoggerFactory.getLogger(BatchJob.class);

    /** Spark configuration key for the executors' model store, when --models-dir is not given. */
    public static final String MODELS_DIR_CONF = "spark.stt.modelsDir";

    private BatchJob() {
    }

    public static void main(String[] args) {
        BatchOptions options;
        try {
            options = BatchOptions.parse(Arrays.asList(args), null);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("stt batch");
        if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            run(spark, options);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("stt batch failed: {}", e.toString());
            System.exit(1);
        } finally {
            spark.stop();
        }
    }

    /** Runs the job in {@code spark}'s context and logs its one-line summary. */
    public static BatchResult run(SparkSession spark, BatchOptions options) throws IOException {
        long t0 = System.nanoTime();
        SparkContext sc = spark.sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Configuration hadoop = sc.hadoopConfiguration();

        sc.setJobDescription("stt batch: listing " + String.join(", ", options.inputs()));
        List<FileRef> listed = list(options.inputs(), hadoop);
        Set<String> done = done(spark, options, hadoop);
        List<FileRef> todo = listed.stream().filter(f -> !done.contains(f.path())).toList();
        long skipped = listed.size() - todo.size();
        LOG.info("stt batch: {} files listed, {} already in {}, {} to transcribe", listed.size(), skipped,
                options.output(), todo.size());

        int taskCpus = sc.conf().getInt("spark.task.cpus", 1);
        String modelsDir = options.modelsDir() != null ? options.modelsDir() : sc.conf().get(MODELS_DIR_CONF, null);
        EngineSpec spec = new EngineSpec(options.model(), modelsDir, taskCpus);
        int slots = Math.max(1, sc.defaultParallelism() / taskCpus);
        int partitions = options.partitions() > 0 ? options.partitions() : 2 * slots;

        LongAccumulator files = sc.longAccumulator("stt files transcribed");
        LongAccumulator failures = sc.longAccumulator("stt files failed");
        DoubleAccumulator audio = sc.doubleAccumulator("stt seconds of audio transcribed");
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(hadoop));
        TranscribePartition task = new TranscribePartition(spec, conf, files, failures, audio);

        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stt-batch-progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleAtFixedRate(() -> LOG.info(String.format(Locale.ROOT,
                        "stt batch: %d/%d files, %.2f h of audio, %d failed", files.value(), todo.size(),
                        audio.value() / 3600, failures.value())), 30, 30, TimeUnit.SECONDS);
        try {
            int waves = (todo.size() + options.waveFiles() - 1) / options.waveFiles();
            for (int w = 0; w < waves; w++) {
                List<FileRef> wave = todo.subList(w * options.waveFiles(), Math.min(todo.size(), (w + 1) * options.waveFiles()));
                List<List<FileRef>> bins = SizePartitioner.pack(wave, partitions);
                long bytes = wave.stream().mapToLong(FileRef::size).sum();
                sc.setJobDescription(String.format(Locale.ROOT, "stt batch: wave %d/%d, %d files (%.1f MB) in %d partitions, %s → %s",
                        w + 1, waves, wave.size(), bytes / 1e6, bins.size(), options.model(), options.output()));
                JavaRDD<List<FileRef>> work = jsc.parallelize(bins.stream().map(b -> (List<FileRef>) new ArrayList<>(b)).toList(), bins.size());
                Dataset<Row> rows = spark.createDataFrame(work.mapPartitions(task), TranscriptRows.SCHEMA);
                write(rows, options);
            }
        } finally {
            progress.shutdownNow();
            sc.setJobDescription(null);
        }
        BatchResult result = new BatchResult(listed.size(), skipped, files.value(), failures.value(), audio.value(),
                (System.nanoTime() - t0) / 1e9);
        LOG.info(result.summary());
        return result;
    }

    private static void write(Dataset<Row> rows, BatchOptions options) {
        switch (options.format()) {
            case PARQUET -> rows.write().mode(SaveMode.Append).parquet(options.output());
            // error: null stays in every object (Spark drops null fields unless told), so readers can rely on it
            case JSONL -> rows.write().mode(SaveMode.Append).option("ignoreNullFields", "false").json(options.output());
        }
    }

    /** The paths the output already has a row for (none when it does not exist yet). */
    static Set<String> done(SparkSession spark, BatchOptions options, Configuration hadoop) throws IOException {
        Path out = new Path(options.output());
        FileSystem fs = out.getFileSystem(hadoop);
        if (!fs.exists(out)) {
            return Set.of();
        }
        String suffix = options.format() == BatchOptions.Format.PARQUET ? ".parquet" : ".json";
        String other = options.format() == BatchOptions.Format.PARQUET ? ".json" : ".parquet";
        if (fs.listStatus(out, p -> p.getName().startsWith("part-") && p.getName().contains(other)).length > 0) {
            // appending the other format would leave a directory neither reader can read whole
            throw new IllegalArgumentException(options.output() + " holds " + other.substring(1)
                    + " part files: rerun with that --format, or give another OUTPUT");
        }
        FileStatus[] parts = fs.listStatus(out, p -> p.getName().startsWith("part-") && p.getName().contains(suffix));
        if (parts.length == 0) {
            return Set.of();
        }
        spark.sparkContext().setJobDescription("stt batch: reading the paths already done in " + options.output());
        Dataset<Row> existing = options.format() == BatchOptions.Format.PARQUET
                ? spark.read().schema(TranscriptRows.SCHEMA).parquet(options.output())
                : spark.read().schema(TranscriptRows.SCHEMA).json(options.output());
        Set<String> done = new HashSet<>();
        for (Row r : existing.select("path").distinct().collectAsList()) {
            done.add(r.getString(0));
        }
        return done;
    }

    /**
     * The input files, each once, sorted by path: a directory is listed recursively (names starting with
     * {@code .} or {@code _} left out, as Hadoop does), a glob is expanded, {@code @LIST} names a file with one
     * path a line. A path that does not exist is kept (with size 0) so that it gets its own error row.
     */
    static List<FileRef> list(List<String> inputs, Configuration hadoop) throws IOException {
        Map<String, FileRef> out = new LinkedHashMap<>();
        for (String input : inputs) {
            if (input.startsWith("@")) {
                Path list = new Path(input.substring(1));
                FileSystem fs = list.getFileSystem(hadoop);
                try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(list), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        line = line.strip();
                        if (!line.isEmpty() && !line.startsWith("#")) {
                            addPath(new Path(line), hadoop, out, true);
                        }
                    }
                }
            } else {
                addPath(new Path(input), hadoop, out, false);
            }
        }
        List<FileRef> files = new ArrayList<>(out.values());
        files.sort(Comparator.comparing(FileRef::path));
        return files;
    }

    private static void addPath(Path p, Configuration hadoop, Map<String, FileRef> out, boolean exact) throws IOException {
        FileSystem fs = p.getFileSystem(hadoop);
        FileStatus[] matches = exact ? null : fs.globStatus(p);
        if (matches == null || matches.length == 0) {
            if (fs.exists(p)) {
                matches = new FileStatus[] {fs.getFileStatus(p)};
            } else if (exact || !isGlob(p.toString())) {
                String q = fs.makeQualified(p).toString();
                out.putIfAbsent(q, new FileRef(q, 0));
                return;
            } else {
                return;
            }
        }
        for (FileStatus s : matches) {
            if (s.isDirectory()) {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(s.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    if (f.isFile() && !hidden(f.getPath(), s.getPath())) {
                        out.putIfAbsent(f.getPath().toString(), new FileRef(f.getPath().toString(), f.getLen()));
                    }
                }
            } else {
                out.putIfAbsent(s.getPath().toString(), new FileRef(s.getPath().toString(), s.getLen()));
            }
        }
    }

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /** Whether any name below {@code root} starts with '.' or '_' (hidden, or Spark's _SUCCESS and _temporary). */
    private static boolean hidden(Path file, Path root) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
