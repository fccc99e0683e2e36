package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioFormat.Encoding;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * WAV files written by another implementation (the JDK's javax.sound.sampled) decode to the same
 * samples the JDK decodes them to: a check that does not share this package's own encoders.
 */
class JavaSoundInteropTest {

    @ParameterizedTest(name = "{0} {1}-bit, {2} channel(s), {3} Hz written by javax.sound")
    @CsvSource({
        "PCM_SIGNED, 16, 1, 16000", "PCM_SIGNED, 16, 2, 44100", "PCM_UNSIGNED, 8, 1, 11025",
        "PCM_SIGNED, 24, 2, 48000", "PCM_SIGNED, 32, 1, 22050", "ULAW, 8, 1, 8000", "ALAW, 8, 2, 8000",
        "PCM_FLOAT, 32, 1, 48000"})
    void javaSoundWavDecodesLikeJavaSoundDecodesIt(String encoding, int bits, int channels, int rate) throws Exception {
        String input = encoding + " " + bits + "-bit " + channels + "ch " + rate + " Hz";
        // a 16-bit source signal, converted by the JDK to the encoding under test
        AudioFormat pcm16 = new AudioFormat(rate, 16, channels, true, false);
        float[] interleaved = new float[rate / 10 * channels];
        for (int i = 0; i < interleaved.length; i++) {
            int frame = i / channels;
            interleaved[i] = (float) (0.6 / (1 + i % channels) * Math.sin(2 * Math.PI * (300 + 200 * (i % channels)) * frame / rate));
        }
        byte[] source = Pcm16.encode(interleaved);
        AudioFormat target = new AudioFormat(new Encoding(encoding), rate, bits, channels, channels * bits / 8, rate, false);
        byte[] wav;
        try (AudioInputStream in16 = new AudioInputStream(new ByteArrayInputStream(source), pcm16, interleaved.length / channels);
             AudioInputStream converted = AudioSystem.getAudioInputStream(target, in16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AudioSystem.write(converted, AudioFileFormat.Type.WAVE, out);
            wav = out.toByteArray();
        }

        AudioClip clip = WavReader.read(wav);

        float[] reference;
        try (AudioInputStream file = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav));
             AudioInputStream back = AudioSystem.getAudioInputStream(pcm16, file)) {
            reference = Pcm16.read(back.readAllBytes(), rate, channels).samples();
        }
        assertEquals(rate, clip.sampleRate(), input + ": rate");
        assertEquals(reference.length, clip.samples().length, input + ": frames");
        // the JDK's reference passes through 16 bits, truncating: within two 16-bit steps. It widens 8-bit
        // codes by filling the low byte too, where (c - 128)/128 is the usual convention: one 8-bit step
        double tolerance = bits == 8 && encoding.startsWith("PCM") ? 1.0 / 128 : 2.0 / 32768;
        for (int i = 0; i < reference.length; i++) {
            assertEquals(reference[i], clip.samples()[i], tolerance, input + ": sample " + i);
        }
    }
}
