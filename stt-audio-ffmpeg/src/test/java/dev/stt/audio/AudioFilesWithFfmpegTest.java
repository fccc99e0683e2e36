package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With stt-audio-ffmpeg on the class path: WAV that WavReader reads stays on WavReader, everything else is FFmpeg's. */
class AudioFilesWithFfmpegTest {

    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(AudioFilesWithFfmpegTest.class.getResource("/" + name).toURI());
    }

    private static Path jfkWav() {
        return Path.of(System.getProperty("stt.repo.dir", ".."), "stt-testkit", "data", "speech", "jfk.wav");
    }

    private static float[] readAll(AudioSource s) throws IOException {
        float[] all = new float[0];
        float[] piece = new float[4096];
        for (int n; (n = s.read(piece)) != -1; ) {
            all = Arrays.copyOf(all, all.length + n);
            System.arraycopy(piece, 0, all, all.length - n, n);
        }
        return all;
    }

    private static boolean isFfmpeg(AudioSource s) {
        return s.getClass().getName().startsWith("dev.stt.audio.ffmpeg.");
    }

    @Test
    void theDecoderIsFound() {
        assertEquals("ffmpeg", AudioFiles.decoderName());
    }

    @Test
    void pcmWavStaysOnWavReaderFromFileAndBytes() throws IOException {
        float[] expected = WavReader.read(jfkWav()).samples();
        try (AudioSource s = AudioFiles.open(jfkWav())) {
            assertFalse(isFfmpeg(s));
            assertArrayEquals(expected, readAll(s));
        }
        try (AudioSource s = AudioFiles.open(Files.readAllBytes(jfkWav()), "jfk.wav")) {
            assertFalse(isFfmpeg(s));
            assertArrayEquals(expected, readAll(s));
        }
    }

    @Test
    void aWavLargerThanTheInMemoryLimitStreamsThroughFfmpegWithTheSameSamples() throws IOException {
        float[] expected = WavReader.read(jfkWav()).samples();
        try (AudioSource s = AudioFiles.open(jfkWav(), 1000)) {
            assertTrue(isFfmpeg(s));
            float[] got = readAll(s);
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-6f);
            }
        }
    }

    @Test
    void aWavCodecWavReaderRefusesGoesToFfmpeg() throws Exception {
        try (AudioSource s = AudioFiles.open(resource("jfk-stereo-44k-adpcm.wav"))) {
            assertTrue(isFfmpeg(s));
            assertEquals(44100, s.sampleRate());
            assertEquals(11.0, readAll(s).length / 44100.0, 0.05);
        }
        try (AudioSource s = AudioFiles.open(Files.readAllBytes(resource("jfk-stereo-44k-adpcm.wav")), "a.wav")) {
            assertTrue(isFfmpeg(s));
        }
    }

    @Test
    void otherFormatsAreFfmpegs() throws Exception {
        for (String name : new String[] {"jfk.mp3", "jfk.m4a", "jfk.webm", "jfk.flac"}) {
            try (AudioSource s = AudioFiles.open(resource(name))) {
                assertTrue(isFfmpeg(s));
                assertEquals(11.0, readAll(s).length / (double) s.sampleRate(), 0.05, name);
            }
        }
    }

    @Test
    void aBrokenWavThatNeitherReadsSaysWhatFfmpegSawWithWavReadersReasonBeside() throws IOException {
        byte[] wav = WavWriter.toBytes(new float[100], 16000);
        byte[] broken = Arrays.copyOf(wav, 30); // the fmt chunk cut short
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> {
            try (AudioSource s = AudioFiles.open(broken, "broken.wav")) {
                readAll(s);
            }
        });
        assertTrue(e.getMessage().contains("'broken.wav'"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
    }
}
