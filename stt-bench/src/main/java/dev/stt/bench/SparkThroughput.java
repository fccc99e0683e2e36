package dev.stt.bench;

import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioSource;
import dev.stt.engine.EngineConfig;
import dev.stt.engine.SttEngine;
import dev.stt.engine.SttEngines;
import dev.stt.eval.TestData;
import dev.stt.model.ModelStore;
import dev.stt.spark.BatchCommand;
import dev.stt.spark.BatchJob;
import dev.stt.spark.BatchOptions;
import dev.stt.spark.BatchResult;
import dev.stt.spark.EngineSpec;
import dev.stt.spark.ExecutorEngine;
import dev.stt.transcribe.FileTranscriber;
import dev.stt.transcribe.TranscriptionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Spark local mode against FileTranscriber in a plain loop, on the same files, the same machine, in one run:
 * hours of audio per hour for
 * <ul>
 *   <li>the loop, one file at a time on 1 intra-op thread; and on all cores' threads ({@code stt transcribe}'s
 *       default);</li>
 *   <li>the loop, N files at once on 1 thread each (a thread pool over the same shared engine): what Spark
 *       local[N] does, minus Spark;</li>
 *   <li>{@link BatchJob} in local[1] and local[N] (one shared engine, Parquet out).</li>
 * </ul>
 * Overhead = 1 - (Spark's hours per hour / the loop's with the same cores and the same schedule). Models are
 * loaded and the JIT warmed before any timing; Spark's session start and first job are reported apart.
 *
 * <p>{@code bench/spark-throughput.sh [--minutes 15] [--cores 2]}: the corpus is every WAV and FLAC under
 * stt-testkit/data/speech, copied as often as it takes to reach the minutes of audio asked for.
 */
public final class SparkThroughput {

    private SparkThroughput() {
    }

    /** One run: hours of audio per wall-clock hour, and CPU seconds this JVM spent per minute of audio. */
    record Row(String what, int cores, double audioSeconds, double wallSeconds, double cpuSeconds) {
        double hph() {
            return audioSeconds / wallSeconds;
        }

        double cpuPerAudioMinute() {
            return cpuSeconds / (audioSeconds / 60);
        }
    }

    /** CPU time of the whole process (every thread: ONNX, Spark's, GC), which a neighbour's load does not inflate much. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    public static void main(String[] args) throws Exception {
        double minutes = 15;
        int cores = Runtime.getRuntime().availableProcessors();
        int repeat = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--cores" -> cores = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: SparkThroughput [--minutes M] [--cores N] [--repeat R]");
            }
        }
        Path work = Files.createTempDirectory("stt-spark-bench");
        List<Path> corpus = corpus(work.resolve("corpus"), minutes * 60);
        double audio = 0;
        // the loop and Spark share the very engine (ExecutorEngine holds one per JVM and spec)
        ExecutorEngine.Loaded one = ExecutorEngine.get(new EngineSpec(BatchOptions.DEFAULT_MODEL, null, 1));
        warm(one.transcriber(), corpus.subList(0, Math.min(3, corpus.size())));
        for (Path f : corpus) {
            try (AudioSource a = AudioFiles.open(f)) {
                audio += a.declaredSeconds();
            }
        }
        System.out.printf(Locale.ROOT, "corpus: %d files, %.1f min of audio, %d cores%n", corpus.size(), audio / 60, cores);
        // rounds interleave the loop and Spark, so a neighbour's load hits both alike; each run's best counts
        List<Row> rows = null;
        SttEngine all = SttEngines.open(EngineConfig.builder(BatchOptions.DEFAULT_MODEL).intraThreads(cores)
                .store(ModelStore.fromEnvironment()).build());
        FileTranscriber allThreads = new FileTranscriber(all, one.vad(), TranscriptionPolicy.DEFAULTS);
        warm(allThreads, corpus.subList(0, Math.min(3, corpus.size())));
        AtomicInteger run = new AtomicInteger();
        for (int round = 1; round <= repeat; round++) {
            System.out.printf(Locale.ROOT, "round %d/%d, load average %.2f%n", round, repeat,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            List<Row> now = new ArrayList<>();
            now.add(loop("FileTranscriber loop, 1 file at a time, 1 thread", 1, one.transcriber(), corpus, 1));
            now.add(loop("FileTranscriber loop, 1 file at a time, " + cores + " threads (stt transcribe)", cores, allThreads, corpus, 1));
            if (cores > 1) {
                now.add(loop("FileTranscriber loop, " + cores + " files at once, 1 thread each", cores, one.transcriber(), corpus, cores));
            }
            int[] sparkCores = cores > 1 ? new int[] {1, cores} : new int[] {1};
            for (int n : sparkCores) {
                long s0 = System.nanoTime();
                SparkSession spark = BatchCommand.local(n, 1, false);
                double start = (System.nanoTime() - s0) / 1e9;
                try {
                    // first job on a fresh session: planning, code generation, Parquet writer classes
                    BatchResult first = BatchJob.run(spark, options(corpus.subList(0, 2), work.resolve("warm-" + run.incrementAndGet())));
                    BatchOptions measured = options(corpus, work.resolve("out-" + run.incrementAndGet()));
                    double c0 = cpuSeconds();
                    BatchResult r = BatchJob.run(spark, measured);
                    double cpu = cpuSeconds() - c0;
                    if (r.transcribed() != corpus.size() || r.failed() != 0) {
                        throw new IllegalStateException("Spark run: " + r.summary());
                    }
                    System.out.printf(Locale.ROOT, "local[%d]: session start %.1f s, first job (2 files) %.1f s, job %.1f h/h%n",
                            n, start, first.wallSeconds(), r.hoursPerHour());
                    now.add(new Row("Spark local[" + n + "], BatchJob to Parquet", n, r.audioSeconds(), r.wallSeconds(), cpu));
                } finally {
                    spark.stop();
                }
            }
            if (rows == null) {
                rows = now;
            } else {
                for (int i = 0; i < rows.size(); i++) {
                    Row a = rows.get(i);
                    Row b = now.get(i);
                    Row fast = b.hph() > a.hph() ? b : a;
                    // the best wall time and, apart, the least CPU (a neighbour's load can only add to either)
                    rows.set(i, new Row(fast.what(), fast.cores(), fast.audioSeconds(), fast.wallSeconds(),
                            Math.min(a.cpuSeconds() / a.audioSeconds(), b.cpuSeconds() / b.audioSeconds()) * fast.audioSeconds()));
                }
            }
        }
        all.close();

        System.out.println();
        System.out.printf(Locale.ROOT, "best of %d rounds%n", repeat);
        System.out.println("| run | cores | audio (min) | wall (s) | hours of audio per hour | CPU s per audio min |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", r.what(), r.cores(), r.audioSeconds() / 60,
                    r.wallSeconds(), r.hph(), r.cpuPerAudioMinute());
        }
        System.out.println();
        Row loop1 = rows.get(0);
        Row spark1 = rows.stream().filter(r -> r.what().startsWith("Spark local[1]")).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "overhead, 1 core: Spark local[1] vs the loop (1 file, 1 thread): %.1f %% wall, %.1f %% CPU%n",
                100 * (1 - spark1.hph() / loop1.hph()), 100 * (spark1.cpuPerAudioMinute() / loop1.cpuPerAudioMinute() - 1));
        if (cores > 1) {
            Row loopN = rows.get(2);
            Row sparkN = rows.getLast();
            System.out.printf(Locale.ROOT, "overhead, %d cores: Spark local[%d] vs the loop (%d files at once): %.1f %% wall, %.1f %% CPU%n",
                    cores, cores, cores, 100 * (1 - sparkN.hph() / loopN.hph()), 100 * (sparkN.cpuPerAudioMinute() / loopN.cpuPerAudioMinute() - 1));
            System.out.printf(Locale.ROOT, "Spark local[%d] vs stt transcribe's loop (%d threads on one file): %+.1f %%%n",
                    cores, cores, 100 * (sparkN.hph() / rows.get(1).hph() - 1));
            System.out.printf(Locale.ROOT, "scaling: local[%d] / local[1] = %.2fx%n", cores, sparkN.hph() / spark1.hph());
        }
        ExecutorEngine.closeNow();
    }

    private static BatchOptions options(List<Path> files, Path out) throws IOException {
        Path list = Files.createTempFile(out.getParent(), "list", ".txt");
        Files.write(list, files.stream().map(Path::toString).toList());
        return new BatchOptions(List.of("@" + list), out.toString(), BatchOptions.Format.PARQUET,
                BatchOptions.DEFAULT_MODEL, null, 0, BatchOptions.DEFAULT_WAVE_FILES);
    }

    private static void warm(FileTranscriber t, List<Path> files) throws IOException {
        for (Path f : files) {
            try (AudioSource a = AudioFiles.open(f)) {
                t.transcribe(a);
            }
        }
    }

    /** The corpus read and transcribed the way stt transcribe does, {@code parallel} files at once. */
    private static Row loop(String what, int cores, FileTranscriber t, List<Path> files, int parallel) throws Exception {
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        double audio = 0;
        if (parallel == 1) {
            for (Path f : files) {
                try (AudioSource a = AudioFiles.open(f)) {
                    audio += t.transcribe(a).durationSeconds();
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                List<Future<Double>> done = new ArrayList<>();
                // largest first, as the Spark job packs them
                List<Path> bySize = new ArrayList<>(files);
                bySize.sort(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed());
                for (Path f : bySize) {
                    done.add(pool.submit(() -> {
                        try (AudioSource a = AudioFiles.open(f)) {
                            return t.transcribe(a).durationSeconds();
                        }
                    }));
                }
                for (Future<Double> d : done) {
                    audio += d.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        Row r = new Row(what, cores, audio, (System.nanoTime() - t0) / 1e9, cpuSeconds() - c0);
        System.out.printf(Locale.ROOT, "%s: %.1f h/h%n", what, r.hph());
        return r;
    }

    /** Every WAV and FLAC of the speech corpus, copied as often as it takes to reach {@code seconds} of audio. */
    private static List<Path> corpus(Path dir, double seconds) throws IOException {
        List<Path> originals;
        try (Stream<Path> s = Files.walk(TestData.speechDir())) {
            originals = s.filter(p -> p.toString().endsWith(".wav") || p.toString().endsWith(".flac")).sorted().toList();
        }
        double each = 0;
        for (Path p : originals) {
            try (AudioSource a = AudioFiles.open(p)) {
                each += a.declaredSeconds();
            }
        }
        int copies = (int) Math.max(1, Math.ceil(seconds / each));
        List<Path> out = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            Path d = Files.createDirectories(dir.resolve("copy-" + c));
            for (Path p : originals) {
                Path target = d.resolve(p.getFileName());
                Files.copy(p, target);
                out.add(target);
            }
        }
        return out;
    }
}
