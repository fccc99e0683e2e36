package dev.stt.protocol.subtitle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stt.engine.TimedText;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubtitlesTest {

    private static final List<TimedText> CUES = List.of(new TimedText(" Hello there. ", 0.25, 1.5),
            new TimedText("General Kenobi.", 3723, 3725.125));

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
