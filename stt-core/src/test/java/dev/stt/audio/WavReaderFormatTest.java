package dev.stt.audio;

import static dev.stt.audio.WavFixture.chunk;
import static dev.stt.audio.WavFixture.fmt;
import static dev.stt.audio.WavFixture.fmtExtensible;
import static dev.stt.audio.WavFixture.riff;
import static dev.stt.audio.WavFixture.samples;
import static dev.stt.audio.WavFixture.wav;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stt.audio.WavFixture.Encoding;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every WAV encoding the reader supports, written from a known signal and read back. */
class WavReaderFormatTest {

    static Stream<Arguments> encodings() {
        List<Arguments> cases = new ArrayList<>();
        int[] rates = {8000, 11025, 16000, 22050, 44100, 48000, 96000};
        int r = 0;
        for (Encoding e : Encoding.values()) {
            for (int channels : new int[] {1, 2, 6}) {
                for (boolean extensible : new boolean[] {false, true}) {
                    cases.add(Arguments.of(e, channels, extensible, rates[r++ % rates.length]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1} channel(s), extensible={2}, {3} Hz decodes to the mono average")
    @MethodSource("encodings")
    void everyEncodingDecodesToTheSignalItWasWrittenFrom(Encoding e, int channels, boolean extensible, int rate)
            throws Exception {
        float[][] signal = new float[channels][];
        for (int c = 0; c < channels; c++) {
            // a different tone and level per channel, so a wrong channel order or downmix shows
            signal[c] = Signals.tone(300 + 170 * c, rate, 0.05, 0.9 / (c + 1));
        }
        byte[] fmt = extensible ? fmtExtensible(e.tag, channels, rate, e.bits, e.bits) : fmt(e.tag, channels, rate, e.bits);
        AudioClip clip = WavReader.read(wav(fmt, samples(e, signal)));

        String input = e + " " + channels + "ch " + (extensible ? "extensible " : "") + rate + " Hz";
        assertEquals(rate, clip.sampleRate(), input + ": rate");
        assertEquals(signal[0].length, clip.samples().length, input + ": frames");
        for (int i = 0; i < clip.samples().length; i++) {
            double expected = 0;
            double tolerance = 0;
            for (float[] channel : signal) {
                expected += channel[i];
                tolerance += e.tolerance(channel[i]);
            }
            expected /= channels;
            tolerance /= channels;
            assertEquals(expected, clip.samples()[i], tolerance, input + ": sample " + i);
        }
    }

    @Test
    void eightBitPcmIsUnsignedWithSilenceAt128() throws Exception {
        byte[] data = {(byte) 128, 0, (byte) 255, (byte) 192};
        AudioClip clip = WavReader.read(wav(fmt(1, 1, 8000, 8), data));
        assertArrayEquals(new float[] {0f, -1f, 127 / 128f, 0.5f}, clip.samples());
    }

    @Test
    void integerPcmFullScaleIsMinusOneToJustBelowOne() throws Exception {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        WavFixture.le(d, 0x800000, 3);
        WavFixture.le(d, 0x7FFFFF, 3);
        assertArrayEquals(new float[] {-1f, 8388607 / 8388608f}, WavReader.read(wav(fmt(1, 1, 48000, 24), d.toByteArray())).samples());
        d.reset();
        WavFixture.le(d, Integer.MIN_VALUE, 4);
        WavFixture.le(d, 1 << 16, 4);
        assertArrayEquals(new float[] {-1f, 1f / 32768}, WavReader.read(wav(fmt(1, 1, 48000, 32), d.toByteArray())).samples());
    }

    @Test
    void twentyFourValidBitsInA32BitExtensibleContainerDecode() throws Exception {
        float[] x = Signals.tone(1000, 48000, 0.01, 0.7);
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (float v : x) {
            WavFixture.le(d, Math.round(v * 8388608.0) << 8, 4); // valid bits are the high ones
        }
        AudioClip clip = WavReader.read(wav(fmtExtensible(1, 1, 48000, 32, 24), d.toByteArray()));
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], clip.samples()[i], 1e-6, "sample " + i);
        }
    }

    @Test
    void floatSamplesBeyondFullScaleAreClippedAndNaNIsSilence() throws Exception {
        float[] x = {1.5f, -3f, Float.NaN, Float.POSITIVE_INFINITY, 0.25f};
        AudioClip clip = WavReader.read(wav(fmt(3, 1, 16000, 32), samples(Encoding.FLOAT_32, new float[][] {x})));
        assertArrayEquals(new float[] {1f, -1f, 0f, 1f, 0.25f}, clip.samples());
    }

    @Test
    void listFactAndOddSizedChunksAreSkippedWithTheirPadByte() throws Exception {
        float[] x = Signals.tone(440, 16000, 0.01, 0.5);
        byte[] data = samples(Encoding.PCM_16, new float[][] {x});
        byte[] wav = riff(
            chunk("LIST", "INFOISFT\u0005\u0000\u0000\u0000Lavf\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
            chunk("junk", new byte[] {1, 2, 3}), // odd: followed by a pad byte
            chunk("fmt ", fmt(1, 1, 16000, 16)),
            chunk("fact", new byte[] {0x10, 0, 0, 0}),
            chunk("odd!", new byte[] {9}),
            chunk("data", data),
            chunk("id3 ", new byte[] {'I', 'D', '3'}));
        assertArrayEquals(Pcm16.decode(data), WavReader.read(wav).samples());
    }

    @Test
    void fmtAfterTheDataChunkIsStillFound() throws Exception {
        byte[] data = samples(Encoding.PCM_16, new float[][] {{0.5f, -0.25f}});
        byte[] wav = riff(chunk("data", data), chunk("fmt ", fmt(1, 1, 22050, 16)));
        AudioClip clip = WavReader.read(wav);
        assertEquals(22050, clip.sampleRate());
        assertArrayEquals(new float[] {0.5f, -0.25f}, clip.samples());
    }

    @Test
    void streamedDataSizeOfAllOnesMeansToTheEndOfTheFile() throws Exception {
        byte[] data = samples(Encoding.PCM_16, new float[][] {{0.1f, 0.2f, 0.3f}});
        byte[] wav = riff(chunk("fmt ", fmt(1, 1, 16000, 16)), chunk("data", data, 0xFFFF_FFFFL));
        assertEquals(3, WavReader.read(wav).samples().length);
    }

    @Test
    void aPartialLastFrameIsDropped() throws Exception {
        byte[] data = samples(Encoding.PCM_16, new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}});
        byte[] cut = java.util.Arrays.copyOf(data, data.length - 1); // 1.75 stereo frames of 16-bit
        AudioClip clip = WavReader.read(wav(fmt(1, 2, 16000, 16), cut));
        assertEquals(1, clip.samples().length);
        assertEquals(0.2f, clip.samples()[0], 1e-4);
    }

    @Test
    void emptyDataChunkIsAnEmptyClip() throws Exception {
        AudioClip clip = WavReader.read(wav(fmt(1, 1, 16000, 16), new byte[0]));
        assertEquals(0, clip.samples().length);
        assertEquals(16000, clip.sampleRate());
    }

    @Test
    void wavWriterOutputReadsBackWithinOneQuantisationStep(@TempDir Path dir) throws Exception {
        float[] x = Signals.tone(1000, 24000, 0.1, 0.8);
        Path file = dir.resolve("tone.wav");
        WavWriter.write(file, new AudioClip(x, 24000));
        AudioClip back = WavReader.read(file);
        assertEquals(24000, back.sampleRate());
        assertEquals(x.length, back.samples().length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], back.samples()[i], 0.5 / 32768 + 1e-7, "sample " + i);
        }
    }
}
