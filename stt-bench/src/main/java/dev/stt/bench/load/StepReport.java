package dev.stt.bench.load;

import dev.stt.bench.Stats;
import java.util.List;
import java.util.Locale;

/**
 * One load step's outcome.
 *
 * @param clients       concurrent callers
 * @param latencyMs     end of speech → final transcript, per clip
 * @param vadSilenceMs  the server's VAD silence window, taken off for the "minus silence" columns
 * @param transcripts   transcripts received
 * @param errors        server errors, failed connects or sends, clips left without a transcript
 * @param firstError    the first of them, or null
 * @param peakRssBytes  server resident set at its highest sample, -1 if unknown
 * @param peakDirectBytes server direct memory at its highest sample, -1 if unknown
 */
public record StepReport(int clients, double[] latencyMs, int vadSilenceMs, int transcripts, int errors, String firstError,
                         long peakRssBytes, long peakDirectBytes) {

    public double p(double percentile) {
        return Stats.percentile(latencyMs, percentile);
    }

    public double pMinusSilence(double percentile) {
        return p(percentile) - vadSilenceMs;
    }

    public static String header() {
        return String.format(Locale.ROOT, "| %7s | %5s | %s | %s | %6s | %7s | %9s |", "clients", "clips",
                "raw p50 / p95 / p99 ms", "minus silence p50 / p95 / p99 ms", "errors", "RSS MiB", "direct MiB");
    }

    public String row() {
        return String.format(Locale.ROOT, "| %7d | %5d | %21s | %32s | %6d | %7s | %9s |", clients, latencyMs.length,
                triple(p(50), p(95), p(99)), triple(pMinusSilence(50), pMinusSilence(95), pMinusSilence(99)), errors,
                mib(peakRssBytes), mib(peakDirectBytes));
    }

    private static String triple(double a, double b, double c) {
        return Double.isNaN(a) ? "-" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f", a, b, c);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    /** Whether this step kept p95 (raw, or less the silence window) under the limit with no errors. */
    boolean within(double limitMs, boolean minusSilence) {
        double p95 = minusSilence ? pMinusSilence(95) : p(95);
        return errors == 0 && latencyMs.length > 0 && p95 < limitMs;
    }

    public static String summary(List<StepReport> reports, double limitMs) {
        return String.format(Locale.ROOT, "CAPACITY largest clients with p95 < %.0f ms and no errors: raw %s, minus silence %s",
                limitMs, largest(reports, limitMs, false), largest(reports, limitMs, true));
    }

    private static String largest(List<StepReport> reports, double limitMs, boolean minusSilence) {
        int best = -1;
        for (StepReport r : reports) {
            if (r.within(limitMs, minusSilence)) {
                best = Math.max(best, r.clients());
            }
        }
        return best < 0 ? "none" : Integer.toString(best);
    }
}
