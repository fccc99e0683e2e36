package dev.stt.audio.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.AudioClip;
import dev.stt.audio.AudioSource;
import dev.stt.audio.WavWriter;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each fixture, encoded from jfk.wav by Debian's ffmpeg, decodes to the clip's length at the stream's rate, and
 * its samples, brought to 16 kHz, are the clip's: a strong correlation once aligned for the codec's delay.
 */
class FfmpegDecoderFormatsTest {

    private static final double CLIP_SECONDS = 11.0;
    private static final FfmpegDecoder DECODER = new FfmpegDecoder();
    private static AudioClip reference;

    @BeforeAll
    static void load() {
        reference = Fixtures.reference();
        assertEquals(16000, reference.sampleRate());
        assertEquals(CLIP_SECONDS, reference.durationSeconds(), 1e-9);
    }

    /** name, the stream's rate, the least correlation with the WAV that the codec at that bit rate keeps. */
    static Stream<Arguments> fixtures() {
        return Stream.of(
            Arguments.of("jfk.mp3", 16000, 0.90),                   // MPEG-2 layer III, 32 kb/s
            Arguments.of("jfk.m4a", 16000, 0.90),                   // AAC-LC in MP4, 32 kb/s
            Arguments.of("jfk.ogg", 16000, 0.85),                   // Vorbis q1 in Ogg
            Arguments.of("jfk.opus", 48000, 0.85),                  // Opus 24 kb/s in Ogg: always 48 kHz
            Arguments.of("jfk.webm", 48000, 0.85),                  // Opus 24 kb/s in WebM
            Arguments.of("jfk.flac", 16000, 0.9999),                // lossless
            Arguments.of("jfk.mp4", 16000, 0.90),                   // AAC beside an MPEG-4 video track
            Arguments.of("jfk-stereo-22k.mkv", 22050, 0.85),        // Vorbis stereo 22.05 kHz in Matroska
            Arguments.of("jfk-stereo-44k-adpcm.wav", 44100, 0.98),  // IMA ADPCM stereo: WavReader refuses it
            Arguments.of("jfk-8k-mulaw.wav", 8000, 0.97),           // G.711 µ-law, 8 kHz
            Arguments.of("jfk.amr", 8000, 0.80));                   // AMR-NB 12.2 kb/s (MakeAmrFixture)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesToTheClipsLengthRateAndSignal(String name, int rate, double minCorrelation) throws IOException {
        float[] samples;
        double declared;
        try (AudioSource source = DECODER.open(Fixtures.resource(name))) {
            assertEquals(rate, source.sampleRate(), name + " rate");
            declared = source.declaredSeconds();
            samples = Fixtures.readAll(source);
        }
        double seconds = samples.length / (double) rate;
        assertEquals(CLIP_SECONDS, seconds, 0.050, name + " decoded length");
        if (!Double.isNaN(declared)) {
            assertEquals(CLIP_SECONDS, declared, 0.25, name + " declared length");
        }
        for (float x : samples) {
            assertTrue(x >= -1f && x <= 1f, name + ": sample " + x + " outside [-1, 1]");
        }
        float[] at16k = Fixtures.to16k(samples, rate);
        double[] c = Fixtures.bestCorrelation(at16k, reference.samples(), 1600);
        System.out.printf("%-26s %6d Hz %8.3f s declared %7.3f s  correlation %.4f at lag %+d samples%n",
            name, rate, seconds, declared, c[0], (int) c[1]);
        assertTrue(c[0] >= minCorrelation, name + ": correlation " + c[0] + " < " + minCorrelation);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void bytesInMemoryDecodeAsTheFileDoes(String name, int rate, double ignored) throws IOException {
        float[] fromFile;
        float[] fromBytes;
        try (AudioSource file = DECODER.open(Fixtures.resource(name))) {
            fromFile = Fixtures.readAll(file);
        }
        try (AudioSource bytes = DECODER.open(Fixtures.bytes(name), name)) {
            assertEquals(rate, bytes.sampleRate());
            fromBytes = Fixtures.readAll(bytes);
        }
        assertArrayEquals(fromFile, fromBytes, name);
    }

    /** Decoders the bytedeco LGPL build must have for the formats users send, fixtures or not (AMR, A-law, ...). */
    @Test
    void theBuildHasTheDecodersUsersNeed() {
        FfmpegDecoder.load();
        for (String name : new String[] {"mp3float", "aac", "opus", "libopus", "vorbis", "flac", "pcm_s16le",
                "pcm_f32le", "pcm_s24le", "pcm_alaw", "pcm_mulaw", "amrnb", "amrwb", "alac", "wmav2", "ac3",
                "adpcm_ima_wav", "adpcm_ms", "gsm_ms", "speex", "libspeex"}) {
            boolean found = org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name(name) != null
                && !org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name(name).isNull();
            System.out.println("decoder " + name + ": " + (found ? "yes" : "no"));
            if (!name.startsWith("lib")) { // FFmpeg's own decoders; the lib* wrappers are extras
                assertTrue(found, "no " + name + " decoder in this FFmpeg build");
            }
        }
    }

    @Test
    void bytesWithNoNameHintStillDecode() throws IOException {
        try (AudioSource s = DECODER.open(Fixtures.bytes("jfk.m4a"), null)) {
            assertEquals(16000, s.sampleRate());
            assertEquals(CLIP_SECONDS, Fixtures.readAll(s).length / 16000.0, 0.05);
        }
    }

    /** WAV of any integer or float PCM, several channels, any rate: written by our own WavWriter, read by FFmpeg. */
    @Test
    void pcmWavAtOtherRatesIsTheSameSignal() throws IOException {
        float[] ref = reference.samples();
        byte[] wav = WavWriter.toBytes(ref, 16000);
        try (AudioSource s = DECODER.open(wav, "jfk.wav")) {
            float[] got = Fixtures.readAll(s);
            assertEquals(ref.length, got.length);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], got[i], 1e-6f, "sample " + i);
            }
        }
        byte[] stereoFloat = StereoFloatWav.of(ref, 16000);
        try (AudioSource s = DECODER.open(stereoFloat, "stereo-float.wav")) {
            float[] got = Fixtures.readAll(s);
            assertEquals(ref.length, got.length);
            for (int i = 0; i < ref.length; i++) {
                // left is the clip, right the clip at half level: the average is 0.75 of it
                assertEquals(0.75f * ref[i], got[i], 1e-5f, "sample " + i);
            }
        }
    }

    @Test
    void readIntoAnEmptyArrayIsZeroAndTheEndIsMinusOneForever() throws IOException {
        try (AudioSource s = DECODER.open(Fixtures.resource("jfk.opus"))) {
            assertEquals(0, s.read(new float[0]));
            Fixtures.readAll(s);
            assertEquals(-1, s.read(new float[10]));
            assertEquals(-1, s.read(new float[10]));
        }
    }
}
