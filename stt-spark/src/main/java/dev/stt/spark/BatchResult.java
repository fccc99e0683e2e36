package dev.stt.spark;

import java.util.Locale;

/**
 * What a run did: files listed, skipped as already in the output, transcribed now (failed ones included),
 * failed, seconds of audio transcribed and the wall-clock seconds the run took.
 */
public record BatchResult(long listed, long skipped, long transcribed, long failed, double audioSeconds,
                          double wallSeconds) {

    /** Hours of audio transcribed per hour of wall-clock time. */
    public double hoursPerHour() {
        return wallSeconds > 0 ? audioSeconds / wallSeconds : 0;
    }

    /** The one line a run ends with. */
    public String summary() {
        return String.format(Locale.ROOT,
                "stt batch: %d files (%d transcribed, %d skipped as already done), %.3f h of audio in %.3f h:"
                        + " %.1f hours of audio per hour, %d failed",
                listed, transcribed, skipped, audioSeconds / 3600, wallSeconds / 3600, hoursPerHour(), failed);
    }
}
