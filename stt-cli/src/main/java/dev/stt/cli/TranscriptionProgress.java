package dev.stt.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How far a long file's transcription has got: a bar redrawn in place on a terminal; elsewhere (a log, CI) a
 * line at each tenth, because carriage-return redraws make a redirected stderr unreadable.
 */
final class TranscriptionProgress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final String name;
    private final double total;
    private int lastTenth;

    TranscriptionProgress(PrintStream err, boolean terminal, String name, double totalSeconds) {
        this.err = err;
        this.terminal = terminal;
        this.name = name;
        this.total = totalSeconds;
    }

    void show(double seconds) {
        double f = Math.min(1, seconds / total);
        if (terminal) {
            int filled = (int) Math.round(f * WIDTH);
            err.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%% %.0f/%.0f s", name, "=".repeat(filled), " ".repeat(WIDTH - filled),
                    100 * f, Math.min(seconds, total), total);
            err.flush();
            return;
        }
        int tenth = (int) (f * 10);
        if (tenth > lastTenth && tenth < 10) {
            lastTenth = tenth;
            err.printf(Locale.ROOT, "%s: %d%% (%.0f of %.0f s)%n", name, tenth * 10, seconds, total);
        }
    }

    void done() {
        if (terminal) {
            show(total);
            err.println();
        } else {
            err.printf(Locale.ROOT, "%s: done (%.0f s)%n", name, total);
        }
    }
}
