package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real WAV clip in the shared data reads, and reads as the JDK's own decoder reads it. */
class SharedSpeechClipsTest {

    static Stream<Path> clips() throws IOException {
        Path speech = Signals.speechDir();
        try (Stream<Path> files = Files.walk(speech)) {
            List<Path> wavs = files.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
            return wavs.stream();
        }
    }

    @Test
    void aRealFlacFileIsRefusedWithAMessageThatSaysFlac() throws IOException {
        Path flac;
        try (Stream<Path> files = Files.walk(Signals.speechDir())) {
            flac = files.filter(p -> p.toString().endsWith(".flac")).sorted().findFirst().orElseThrow();
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(AudioFormatException.class, () -> WavReader.read(flac));
        assertEquals(flac + ": not a WAV file: starts with 'fLaC', not 'RIFF' (looks like FLAC)", e.getMessage());
    }

    @Test
    void theSharedDataHasClipsToRead() throws IOException {
        assertFalse(clips().toList().isEmpty(), "no .wav under " + Signals.speechDir());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clips")
    void clipDecodesLikeJavaSoundWithItsHeaderRate(Path wav) throws Exception {
        AudioClip clip = WavReader.read(wav);

        // javax.sound.sampled is an independent reader of the same file
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, f.getEncoding(), wav + ": the shared clips are signed PCM");
            assertEquals(16, f.getSampleSizeInBits(), wav + ": bits");
            assertEquals((int) f.getSampleRate(), clip.sampleRate(), wav + ": sample rate");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            float[] reference = Pcm16.read(bytes.toByteArray(), clip.sampleRate(), f.getChannels()).samples();
            assertArrayEquals(reference, clip.samples(), wav + ": samples");
        }
        assertTrue(clip.durationSeconds() > 0.5, wav + ": duration " + clip.durationSeconds() + " s");
        double peak = 0;
        for (float s : clip.samples()) {
            peak = Math.max(peak, Math.abs(s));
        }
        assertTrue(peak <= 1.0, wav + ": peak " + peak + " outside [-1, 1]");
        assertTrue(peak > 0.01, wav + ": peak " + peak + " is too quiet for speech");
    }
}
