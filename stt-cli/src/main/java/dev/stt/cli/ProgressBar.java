package dev.stt.cli;

import dev.stt.model.DownloadProgress;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress for the command line: a bar redrawn in place when stderr is a terminal, else a
 * line at every tenth of the way (logs and CI output stay readable).
 */
final class ProgressBar implements DownloadProgress {

    /** Redrawing more often than this only burns the terminal. */
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private long startNanos;
    private long lastDrawNanos;
    private int lastTenth;
    private long bytesDownloaded;
    /** Bytes of the current download already counted in {@code bytesDownloaded}. */
    private long lastBytes;
    private boolean lineOpen;

    ProgressBar(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * {@code ./stt} tells us with {@code -Dstt.stderr.tty}, as only the shell can test stderr itself;
     * started some other way, a console counts as a terminal.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("stt.stderr.tty");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when not attached to a terminal; isTerminal() tells.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Bytes fetched over the network since this bar was made; 0 when everything came from the cache. */
    synchronized long bytesDownloaded() {
        return bytesDownloaded;
    }

    @Override
    public synchronized void update(String model, String source, long bytes, long total) {
        long now = System.nanoTime();
        if (bytes == 0) {
            startNanos = now;
            lastDrawNanos = 0;
            lastTenth = 0;
            if (!terminal) {
                err.printf(Locale.ROOT, "downloading %s (%s): %s%n", model, source, total >= 0 ? mb(total) : "size unknown");
            }
            return;
        }
        bytesDownloaded += bytes - lastBytes;
        lastBytes = bytes;
        if (terminal) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                draw(model, source, bytes, total, now);
            }
        } else if (total > 0) {
            int tenth = (int) (bytes * 10 / total);
            if (tenth > lastTenth && tenth < 10) {
                lastTenth = tenth;
                err.printf(Locale.ROOT, "  %s (%s): %3d%%  %s of %s%n", model, source, tenth * 10, mb(bytes), mb(total));
            }
        }
    }

    @Override
    public synchronized void done(String model, String source, long bytes) {
        long now = System.nanoTime();
        if (terminal) {
            draw(model, source, bytes, bytes, now);
            err.println();
            lineOpen = false;
        } else {
            err.printf(Locale.ROOT, "  %s (%s): 100%%  %s in %.1f s%n", model, source, mb(bytes), seconds(now));
        }
        lastBytes = 0;
    }

    /** Ends a bar left half-drawn by a failed download, so an error message starts on its own line. */
    synchronized void finishLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
        lastBytes = 0;
    }

    private void draw(String model, String source, long bytes, long total, long now) {
        StringBuilder b = new StringBuilder("\r").append(model).append(" (").append(source).append(") ");
        double secs = seconds(now);
        String rate = secs > 0 ? String.format(Locale.ROOT, "%.1f MB/s", bytes / 1e6 / secs) : "";
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, bytes * WIDTH / total);
            b.append('[').append("=".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", Math.min(100, bytes * 100 / total)))
                    .append(mb(bytes)).append(" / ").append(mb(total));
        } else {
            b.append(mb(bytes));
        }
        b.append("  ").append(rate).append("   ");
        err.print(b);
        err.flush();
        lineOpen = true;
    }

    private double seconds(long now) {
        return (now - startNanos) / 1e9;
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
