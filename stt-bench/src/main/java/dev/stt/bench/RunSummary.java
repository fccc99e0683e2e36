package dev.stt.bench;

import java.util.Locale;

/**
 * What one runner measured over the clip set, printed as the {@code RESULT} line that
 * {@code bench/run-peers.sh} collects from every runner (the JavaScript peer prints the same shape).
 *
 * @param engine  name in the table
 * @param threads intra-op threads the runner was given
 * @param clips   clips transcribed
 * @param audioS  seconds of audio
 * @param wallS   seconds spent transcribing (sum of per-clip medians)
 * @param wer     aggregate word error rate, 0..1, or NaN when not scored
 */
public record RunSummary(String engine, int threads, int clips, double audioS, double wallS, double wer) {

    public double rtf() {
        return wallS / audioS;
    }

    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT engine=%s threads=%d clips=%d audio_s=%.2f wall_s=%.3f rtf=%.4f wer=%s",
                engine, threads, clips, audioS, wallS, rtf(), Double.isNaN(wer) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * wer));
    }
}
