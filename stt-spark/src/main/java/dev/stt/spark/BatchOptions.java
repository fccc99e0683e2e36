package dev.stt.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one batch run does: {@code INPUT... OUTPUT [--format parquet|jsonl] [--model M] [--models-dir DIR]
 * [--partitions N] [--wave-files N]}.
 *
 * @param inputs     directories (listed recursively), files, globs, or {@code @list.txt} (one path a line);
 *                   any Hadoop file system path
 * @param output     the output directory; rows already there are not transcribed again
 * @param format     parquet or jsonl
 * @param modelsDir  the model store on the executors, or null for {@code STT_MODELS_DIR}/{@code ~/.cache/stt}
 * @param partitions how many size-balanced partitions per wave; 0: twice the cluster's task slots
 * @param waveFiles  files per wave: each wave is one Spark job whose rows are committed when it ends, so an
 *                   interrupted run loses at most one wave
 */
public record BatchOptions(List<String> inputs, String output, Format format, String model, String modelsDir,
                           int partitions, int waveFiles) {

    public static final String DEFAULT_MODEL = "moonshine-tiny";
    public static final int DEFAULT_WAVE_FILES = 2000;

    public enum Format { PARQUET, JSONL }

    public BatchOptions {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty() || output == null) {
            throw new IllegalArgumentException("usage: INPUT... OUTPUT [--format parquet|jsonl]");
        }
    }

    public static final String USAGE = "usage: INPUT... OUTPUT [--format parquet|jsonl] [--model M] [--models-dir DIR]"
            + " [--partitions N] [--wave-files N]\n"
            + "  INPUT: a directory (read recursively), an audio file, a glob, or @LIST (a file with one path a line);"
            + " any Hadoop path (file:, hdfs:, s3a:)";

    /** Parses the job's arguments; the flags not named here are left in {@code rest} for the caller. */
    public static BatchOptions parse(List<String> args, List<String> rest) {
        List<String> positional = new ArrayList<>();
        Format format = Format.PARQUET;
        String model = DEFAULT_MODEL;
        String modelsDir = System.getenv("STT_MODELS_DIR");
        int partitions = 0;
        int waveFiles = DEFAULT_WAVE_FILES;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = a.contains("=") && a.startsWith("--") ? a.substring(a.indexOf('=') + 1) : null;
            String flag = v != null ? a.substring(0, a.indexOf('=')) : a;
            if (!flag.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (v == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                }
                v = args.get(++i);
            }
            switch (flag) {
                case "--format" -> format = switch (v.toLowerCase(Locale.ROOT)) {
                    case "parquet" -> Format.PARQUET;
                    case "jsonl", "json" -> Format.JSONL;
                    default -> throw new IllegalArgumentException("--format must be parquet or jsonl, not '" + v + "'");
                };
                case "--model" -> model = v;
                case "--models-dir" -> modelsDir = v;
                case "--partitions" -> partitions = positive(flag, v, true);
                case "--wave-files" -> waveFiles = positive(flag, v, false);
                default -> {
                    if (rest == null) {
                        throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
                    }
                    rest.add(flag);
                    rest.add(v);
                }
            }
        }
        if (positional.size() < 2) {
            throw new IllegalArgumentException(USAGE);
        }
        return new BatchOptions(positional.subList(0, positional.size() - 1), positional.getLast(), format, model,
                modelsDir, partitions, waveFiles);
    }

    private static int positive(String flag, String v, boolean zeroOk) {
        try {
            int n = Integer.parseInt(v.strip());
            if (n > 0 || (zeroOk && n == 0)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(flag + " must be a whole number " + (zeroOk ? ">= 0" : ">= 1") + ", not '" + v + "'");
    }
}
