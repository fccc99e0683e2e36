package dev.stt.protocol.subtitle;

import dev.stt.engine.TimedText;
import java.util.List;
import java.util.Locale;

/** SubRip and WebVTT documents from timed cues: what {@code stt transcribe} writes and the HTTP door answers. */
public final class Subtitles {

    private Subtitles() {
    }

    public static String srt(List<TimedText> cues) {
        StringBuilder b = new StringBuilder();
        int n = 1;
        for (TimedText c : cues) {
            b.append(n++).append('\n')
                    .append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ',')).append('\n')
                    .append(c.text().strip()).append("\n\n");
        }
        return b.toString();
    }

    public static String vtt(List<TimedText> cues) {
        StringBuilder b = new StringBuilder("WEBVTT\n\n");
        for (TimedText c : cues) {
            b.append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.')).append('\n')
                    .append(c.text().strip()).append("\n\n");
        }
        return b.toString();
    }

    /** {@code HH:MM:SS,mmm} (SubRip) or {@code HH:MM:SS.mmm} (WebVTT); negative times clamp to 0. */
    public static String timestamp(double seconds, char fractionSeparator) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d",
                ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, fractionSeparator, ms % 1000);
    }
}
