package dev.stt.whisper;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Hallucination guards with faster-whisper's defaults: a segment is silence when the model's
 * {@code <|nospeech|>} probability is above 0.6 and its mean token log-probability below −1.0; text
 * whose zlib compression ratio is above 2.4 is a repetition loop and is withheld. No conditioning on
 * previous text happens at all (each segment is decoded on its own), which removes the other big source
 * of loops.
 *
 * @param noSpeechThreshold         NaN disables the silence check
 * @param logProbThreshold          a silent-looking segment keeps its text when its mean log-probability
 *                                  is at least this
 * @param compressionRatioThreshold NaN disables the repetition check
 */
public record WhisperGuards(double noSpeechThreshold, double logProbThreshold, double compressionRatioThreshold) {

    public static final WhisperGuards DEFAULTS = new WhisperGuards(0.6, -1.0, 2.4);
    public static final WhisperGuards NONE = new WhisperGuards(Double.NaN, Double.NaN, Double.NaN);

    public WhisperGuards {
        if (noSpeechThreshold < 0 || noSpeechThreshold > 1) {
            throw new IllegalArgumentException("noSpeechThreshold must be in [0, 1] or NaN, got " + noSpeechThreshold);
        }
        if (compressionRatioThreshold <= 0) {
            throw new IllegalArgumentException("compressionRatioThreshold must be > 0 or NaN, got " + compressionRatioThreshold);
        }
    }

    /** Why this decode is withheld, or null when it passes. */
    public String reason(String text, double noSpeechProb, double avgLogProb) {
        if (!Double.isNaN(noSpeechThreshold) && noSpeechProb > noSpeechThreshold
                && (Double.isNaN(logProbThreshold) || avgLogProb < logProbThreshold)) {
            return String.format(Locale.ROOT, "no speech (no-speech probability %.2f > %.2f, mean log-probability %.2f)",
                    noSpeechProb, noSpeechThreshold, avgLogProb);
        }
        if (!Double.isNaN(compressionRatioThreshold) && !text.isBlank()) {
            double ratio = compressionRatio(text);
            if (ratio > compressionRatioThreshold) {
                return String.format(Locale.ROOT, "repetitive text (compression ratio %.2f > %.2f)", ratio, compressionRatioThreshold);
            }
        }
        return null;
    }

    /** UTF-8 length over zlib-compressed length, as openai/whisper and faster-whisper compute it. */
    public static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return 0;
        }
        Deflater deflater = new Deflater(6);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buf = new byte[bytes.length + 64];
            int total = 0;
            while (!deflater.finished()) {
                total += deflater.deflate(buf);
            }
            return bytes.length / (double) total;
        } finally {
            deflater.end();
        }
    }
}
