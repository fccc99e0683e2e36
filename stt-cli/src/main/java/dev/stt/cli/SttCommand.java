package dev.stt.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code stt VERB [ARGS]}: the entry point of the fat jar that {@code ./stt} runs. */
public final class SttCommand {

    private static final List<Subcommand> VERBS = List.of(
            new ServeCommand(),
            new ClientCommand(),
            new ModelsCommand(),
            new TranscribeCommand());

    private SttCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(System.out);
            return args.length == 0 ? 2 : 0;
        }
        for (Subcommand verb : VERBS) {
            if (verb.name().equals(args[0])) {
                try {
                    return verb.run(List.of(args).subList(1, args.length));
                } catch (UsageException e) {
                    System.err.println("stt " + verb.name() + ": " + e.getMessage());
                    return 2;
                } catch (Exception e) {
                    System.err.println("stt " + verb.name() + ": " + e.getMessage());
                    return 1;
                }
            }
        }
        if (args[0].equals("batch")) {
            System.err.println("stt: batch runs on stt-spark's class path, not in this jar: use the ./stt launcher"
                    + " (or spark-submit --class dev.stt.spark.BatchJob stt-spark/target/stt-spark.jar)");
            return 2;
        }
        System.err.println("stt: unknown command '" + args[0] + "'");
        usage(System.err);
        return 2;
    }

    private static void usage(PrintStream out) {
        out.println("usage: stt COMMAND [ARGS]");
        for (Subcommand verb : VERBS) {
            out.printf("  %-12s %s%n", verb.name(), verb.summary());
        }
        // not a Subcommand: stt-cli never carries Spark; the ./stt launcher runs stt-spark's BatchCommand
        out.printf("  %-12s %s%n", "batch", "INPUT... OUTPUT [--format parquet|jsonl] [--cores N]   transcribe archives on"
                + " Apache Spark in local mode (through the ./stt launcher, module stt-spark)");
    }

    /** Bad arguments: printed without a stack trace, exit status 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
