package dev.stt.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./stt batch INPUT... OUTPUT [--format parquet|jsonl] [--cores N] [--threads-per-file N] [--no-ui]} and
 * the job's own flags ({@link BatchOptions}): starts Spark in local mode in this JVM, runs {@link BatchJob} and
 * stops. The launcher runs it on stt-spark's class path, so stt-cli and its fat jar never carry Spark.
 *
 * <p>{@code --cores N} (default: all) is local[N]; {@code --threads-per-file T} is spark.task.cpus, so N / T
 * files run at once, each engine session on T intra-op threads.
 */
public final class BatchCommand {

    private BatchCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        List<String> rest = new ArrayList<>();
        BatchOptions options;
        int cores = Runtime.getRuntime().availableProcessors();
        int threadsPerFile = 1;
        boolean ui = true;
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (all.remove("--no-ui")) {
            ui = false;
        }
        try {
            options = BatchOptions.parse(all, rest);
            for (int i = 0; i < rest.size(); i += 2) {
                switch (rest.get(i)) {
                    case "--cores" -> cores = Integer.parseInt(rest.get(i + 1));
                    case "--threads-per-file" -> threadsPerFile = Integer.parseInt(rest.get(i + 1));
                    default -> throw new IllegalArgumentException("unknown option " + rest.get(i) + "\n" + BatchOptions.USAGE
                            + "\n  local mode: [--cores N] [--threads-per-file N] [--no-ui]");
                }
            }
            if (cores < 1 || threadsPerFile < 1 || threadsPerFile > cores) {
                throw new IllegalArgumentException("--cores and --threads-per-file must be >= 1, threads per file <= cores");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("stt batch: " + e.getMessage());
            return 2;
        }
        SparkSession spark = local(cores, threadsPerFile, ui);
        try {
            BatchJob.run(spark, options);
            return 0;
        } catch (Exception e) {
            System.err.println("stt batch: " + (e instanceof IllegalArgumentException ? e.getMessage() : e.toString()));
            return 1;
        } finally {
            spark.stop();
        }
    }

    /** A local-mode session in this JVM: N cores, T of them per file. */
    public static SparkSession local(int cores, int threadsPerFile, boolean ui) {
        return SparkSession.builder()
                .appName("stt batch")
                .master("local[" + cores + "]")
                .config("spark.task.cpus", threadsPerFile)
                .config("spark.ui.enabled", ui)
                .config("spark.ui.showConsoleProgress", false)
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", Math.max(1, cores))
                .getOrCreate();
    }
}
