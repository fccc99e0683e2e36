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
 * @param door          which protocol the callers spoke
 * @param serverCores   server CPU seconds per wall second over the step, NaN if unknown
 * @param turns         VAD turns (Realtime items) that reached {@code speech_stopped}
 * @param deltasBeforeStop interim deltas that arrived before their turn's {@code speech_stopped}, summed
 * @param deltas        interim deltas received in all
 * @param wer           the clips' final texts against their references
 * @param counters      what the server's interim/early counters moved by over the step ({@link MetricsScrape})
 */
public record StepReport(int clients, double[] latencyMs, int vadSilenceMs, int transcripts, int errors, String firstError,
                         long peakRssBytes, long peakDirectBytes, Door door, double serverCores, int turns,
                         int deltasBeforeStop, int deltas, dev.stt.eval.WordErrorRate.Score wer,
                         java.util.Map<String, Double> counters) {

    public StepReport(int clients, double[] latencyMs, int vadSilenceMs, int transcripts, int errors, String firstError,
                      long peakRssBytes, long peakDirectBytes) {
        this(clients, latencyMs, vadSilenceMs, transcripts, errors, firstError, peakRssBytes, peakDirectBytes, Door.ORIGINAL,
                Double.NaN, 0, 0, 0, new dev.stt.eval.WordErrorRate.Score(0, 0), java.util.Map.of());
    }

    /** Deltas before {@code speech_stopped} per turn, NaN when no turn stopped (the original door has no such event). */
    public double deltasPerTurn() {
        return turns == 0 ? Double.NaN : (double) deltasBeforeStop / turns;
    }

    private long counter(String key) {
        return Math.round(counters.getOrDefault(key, 0.0));
    }

    public double p(double percentile) {
        return Stats.percentile(latencyMs, percentile);
    }

    public double pMinusSilence(double percentile) {
        return p(percentile) - vadSilenceMs;
    }

    public static String header() {
        return String.format(Locale.ROOT, "| %7s | %5s | %s | %s | %6s | %7s | %9s | %8s | %9s | %s | %s | %s | %s |", "clients", "clips",
                "raw p50 / p95 / p99 ms", "minus silence p50 / p95 / p99 ms", "errors", "RSS MiB", "direct MiB", "door",
                "CPU cores", "deltas before stop / turn (turns)", "WER %", "interim started / skipped / reported / dropped",
                "early decodes");
    }

    public static String separator() {
        return "|--------:|------:|----------------------:|---------------------------------:|-------:|--------:|----------:"
                + "|:---------|----------:|----------------------------------:|------:|------------------------------------------------:|--------------:|";
    }

    public String row() {
        return String.format(Locale.ROOT, "| %7d | %5d | %21s | %32s | %6d | %7s | %9s |", clients, latencyMs.length,
                triple(p(50), p(95), p(99)), triple(pMinusSilence(50), pMinusSilence(95), pMinusSilence(99)), errors,
                mib(peakRssBytes), mib(peakDirectBytes)) + String.format(Locale.ROOT, " %-8s | %9s | %33s | %5s | %47s | %13d |",
                door.label(), Double.isNaN(serverCores) ? "-" : String.format(Locale.ROOT, "%.2f", serverCores),
                turns == 0 ? "-" : String.format(Locale.ROOT, "%.2f (%d)", deltasPerTurn(), turns),
                wer.referenceWords() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", 100 * wer.rate()),
                counter("stt_interim_decodes_total{outcome=started}") + " / " + counter("stt_interim_decodes_total{outcome=skipped}")
                        + " / " + counter("stt_interim_decodes_total{outcome=reported}") + " / "
                        + counter("stt_interim_decodes_total{outcome=dropped}"),
                counter("stt_early_decodes_total"));
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
        StringBuilder b = new StringBuilder();
        for (Door d : Door.values()) {
            List<StepReport> mine = reports.stream().filter(r -> r.door() == d).toList();
            if (!mine.isEmpty() && mine.size() < reports.size()) {
                b.append(d.label()).append(": ").append(summaryOf(mine, limitMs)).append('\n');
            }
        }
        return b.isEmpty() ? summaryOf(reports, limitMs) : b.toString().stripTrailing();
    }

    private static String summaryOf(List<StepReport> reports, double limitMs) {
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
