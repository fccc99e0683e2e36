package dev.stt.protocol.subtitle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.engine.TimedText;
import dev.stt.engine.WordTiming;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitlesTest {

    private static final List<TimedText> CUES = List.of(new TimedText(" Hello there. ", 0.25, 1.5),
            new TimedText("General Kenobi.", 3723, 3725.125));

    @Test
    void cuesWithWordTimesBreakAtSentencesPausesAndLength() {
        List<WordTiming> words = new java.util.ArrayList<>();
        String[] said = "Hello there. This line goes on and on with many words so that it cannot fit on two lines of forty two characters at all"
                .split(" ");
        double t = 0;
        for (String w : said) {
            words.add(new WordTiming(w, t, t + 0.5, 0.9));
            t += 0.6;
        }
        words.add(new WordTiming("Later.", t + 2, t + 2.5, 0.9)); // after a 2 s pause
        List<TimedText> cues = Subtitles.cues(List.of(new TimedText(String.join(" ", said) + " Later.", 0, t + 2.5)), words);
        assertEquals("Hello there.", cues.get(0).text());
        assertEquals(1.1, cues.get(0).end(), 1e-9);
        for (TimedText c : cues) {
            assertTrue(c.text().length() <= Subtitles.MAX_CUE_CHARS && c.end() - c.start() <= Subtitles.MAX_CUE_SECONDS, c.toString());
        }
        assertEquals("Later.", cues.get(cues.size() - 1).text(), "a pause starts a new cue");
        StringBuilder all = new StringBuilder();
        cues.forEach(c -> all.append(all.isEmpty() ? "" : " ").append(c.text()));
        assertEquals(String.join(" ", said) + " Later.", all.toString(), "no word lost or repeated");
    }

    @Test
    void aSegmentWithoutWordTimesOrWithWordsThatDoNotSpellItIsOneCue() {
        assertEquals(CUES, Subtitles.cues(CUES, List.of()));
        assertEquals(CUES, Subtitles.cues(CUES, List.of(new WordTiming(" Hello", 0.25, 0.6, 0.9))), "no word is dropped");
    }

    @Test
    void timestampsFormatHoursMinutesSecondsAndMillis() {
        assertEquals("00:00:00,000", Subtitles.timestamp(0, ','));
        assertEquals("01:02:03.457", Subtitles.timestamp(3723.4567, '.'));
        assertEquals("00:00:00.000", Subtitles.timestamp(-0.2, '.'));
    }

    @Test
    void srtNumbersItsCuesAndStripsTheirText() {
        assertEquals("1\n00:00:00,250 --> 00:00:01,500\nHello there.\n\n2\n01:02:03,000 --> 01:02:05,125\nGeneral Kenobi.\n\n",
                Subtitles.srt(CUES));
    }

    @Test
    void vttStartsWithItsHeader() {
        assertEquals("WEBVTT\n\n00:00:00.250 --> 00:00:01.500\nHello there.\n\n01:02:03.000 --> 01:02:05.125\nGeneral Kenobi.\n\n",
                Subtitles.vtt(CUES));
    }
}
