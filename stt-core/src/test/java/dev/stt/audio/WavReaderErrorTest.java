package dev.stt.audio;

import static dev.stt.audio.WavFixture.chunk;
import static dev.stt.audio.WavFixture.fmt;
import static dev.stt.audio.WavFixture.fmtExtensible;
import static dev.stt.audio.WavFixture.riff;
import static dev.stt.audio.WavFixture.wav;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, truncated and unsupported WAV input fails with a message that names the problem. */
class WavReaderErrorTest {

    private static final byte[] PCM16_MONO_16K = fmt(1, 1, 16000, 16);

    private static String failure(byte[] wav) {
        return assertThrows(AudioFormatException.class, () -> WavReader.read(wav)).getMessage();
    }

    @Test
    void emptyInputIsNotAWavFile() {
        assertEquals("not a WAV file: 0 bytes, shorter than a RIFF header", failure(new byte[0]));
    }

    @Test
    void oggDataIsNotAWavFile() {
        byte[] ogg = "OggS\0\2\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("not a WAV file: starts with 'OggS', not 'RIFF' (looks like Ogg)", failure(ogg));
    }

    @Test
    void otherContainersAreNamedSoTheUserKnowsWhatToConvert() {
        assertEquals("not a WAV file: starts with 'fLaC', not 'RIFF' (looks like FLAC)", failure(bytes("fLaC\0\0\0\42\20\0\20\0")));
        assertEquals("not a WAV file: starts with 'ID3?', not 'RIFF' (looks like MP3)", failure(bytes("ID3\4\0\0\0\0\0\0\0\0")));
        assertEquals("not a WAV file: starts with '????', not 'RIFF' (looks like MP3)", failure(bytes("\377\373\220\304\0\0\0\0\0\0\0\0")));
        assertEquals("not a WAV file: starts with 'FORM', not 'RIFF' (looks like AIFF)", failure(bytes("FORM\0\0\0\0AIFF")));
        assertEquals("not a WAV file: starts with '\0\0\0 ', not 'RIFF' (looks like MP4/M4A)".replace("\0", "?"),
            failure(bytes("\0\0\0 ftypM4A \0\0")));
        assertEquals("not a WAV file: starts with '?E??', not 'RIFF' (looks like WebM/Matroska)",
            failure(bytes("\032E\337\243\0\0\0\0\0\0\0\0")));
        assertEquals("big-endian (RIFX) WAV files are not supported", failure(bytes("RIFX\0\0\0\4WAVE")));
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void riffAviIsNotAWavFile() {
        byte[] avi = "RIFF\4\0\0\0AVI ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("not a WAV file: RIFF form is 'AVI ', not 'WAVE'", failure(avi));
    }

    @Test
    void rf64IsNamedAsUnsupported() {
        byte[] rf64 = "RF64\377\377\377\377WAVE".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("RF64 (64-bit WAV) files are not supported", failure(rf64));
    }

    @Test
    void dataChunkLongerThanTheFileIsTruncated() {
        byte[] wav = riff(chunk("fmt ", PCM16_MONO_16K), chunk("data", new byte[100], 32000));
        assertEquals("truncated data chunk: header says 32000 bytes, file has 100", failure(wav));
    }

    @Test
    void otherChunkLongerThanTheFileIsTruncated() {
        byte[] wav = riff(chunk("fmt ", PCM16_MONO_16K), chunk("LIST", new byte[10], 5000));
        assertEquals("truncated LIST chunk: header says 5000 bytes, file has 10", failure(wav));
    }

    @Test
    void fmtChunkLongerThanTheFileIsTruncated() {
        byte[] wav = riff(chunk("fmt ", Arrays.copyOf(PCM16_MONO_16K, 10), 16));
        assertEquals("truncated fmt  chunk: header says 16 bytes, file has 10", failure(wav));
    }

    @Test
    void mp3InWavNamesItsFormatTag() {
        assertEquals("unsupported format tag 0x0055 (MPEG Layer 3)", failure(wav(fmt(0x55, 2, 44100, 0, 1), new byte[8])));
    }

    @Test
    void imaAdpcmNamesItsFormatTag() {
        assertEquals("unsupported format tag 0x0011 (IMA ADPCM)", failure(wav(fmt(0x11, 1, 8000, 4, 256), new byte[256])));
    }

    @Test
    void unknownFormatTagIsReportedInHex() {
        assertEquals("unsupported format tag 0x1234 (unknown)", failure(wav(fmt(0x1234, 1, 8000, 16), new byte[4])));
    }

    @Test
    void zeroChannels() {
        assertEquals("0 channels", failure(wav(fmt(1, 0, 16000, 16, 2), new byte[4])));
    }

    @Test
    void zeroSampleRate() {
        assertEquals("sample rate 0 Hz is outside the 1000..384000 Hz this reader accepts", failure(wav(fmt(1, 1, 0, 16), new byte[4])));
    }

    @Test
    void sampleRatesThatWouldResampleIntoGigabytesOrNoRecorderWritesAreRefusedFromTheHeader() {
        assertEquals("sample rate 1 Hz is outside the 1000..384000 Hz this reader accepts", failure(wav(fmt(1, 1, 1, 16), new byte[4])));
        assertEquals("sample rate 999 Hz is outside the 1000..384000 Hz this reader accepts", failure(wav(fmt(1, 1, 999, 16), new byte[4])));
        assertEquals("sample rate 384001 Hz is outside the 1000..384000 Hz this reader accepts",
            failure(wav(fmt(1, 1, 384_001, 16), new byte[4])));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavReader.header(wav(fmt(1, 1, 1, 16), new byte[4])));
        assertEquals("sample rate 1 Hz is outside the 1000..384000 Hz this reader accepts", e.getMessage());
    }

    @Test
    void headerGivesRateChannelsAndLengthWithoutDecoding() throws AudioFormatException {
        WavReader.Header h = WavReader.header(wav(fmt(1, 2, 8000, 16, 4), new byte[4 * 8000 * 3 + 2]));
        assertEquals(8000, h.sampleRate());
        assertEquals(2, h.channels());
        assertEquals(24_000, h.frames());
        assertEquals(3.0, h.durationSeconds(), 1e-9);
    }

    @Test
    void blockAlignThatDisagreesWithChannelsAndBits() {
        assertEquals("block align 3 does not match 2 channel(s) of 16-bit samples (expected 4)",
            failure(wav(fmt(1, 2, 16000, 16, 3), new byte[12])));
    }

    @Test
    void zeroBlockAlign() {
        assertEquals("block align 0 does not match 1 channel(s) of 16-bit samples (expected 2)",
            failure(wav(fmt(1, 1, 16000, 16, 0), new byte[12])));
    }

    @Test
    void twelveBitPcmIsNotAValidDepth() {
        assertEquals("12-bit samples are not valid for integer PCM (8, 16, 24 or 32 are)",
            failure(wav(fmt(1, 1, 16000, 12, 2), new byte[4])));
    }

    @Test
    void sixteenBitFloatIsNotAValidDepth() {
        assertEquals("16-bit samples are not valid for IEEE float (32 or 64 are)", failure(wav(fmt(3, 1, 16000, 16), new byte[4])));
    }

    @Test
    void sixteenBitMuLawIsNotAValidDepth() {
        assertEquals("16-bit samples are not valid for µ-law (8 are)", failure(wav(fmt(7, 1, 8000, 16), new byte[4])));
    }

    @Test
    void fmtChunkShorterThanSixteenBytes() {
        byte[] wav = riff(chunk("fmt ", Arrays.copyOf(PCM16_MONO_16K, 14)), chunk("data", new byte[4]));
        assertEquals("fmt chunk too short: 14 bytes, need at least 16", failure(wav));
    }

    @Test
    void extensibleFmtChunkWithoutItsSubFormat() {
        byte[] wav = riff(chunk("fmt ", fmt(0xFFFE, 1, 16000, 16)), chunk("data", new byte[4]));
        assertEquals("WAVE_FORMAT_EXTENSIBLE fmt chunk too short: 16 bytes, need 40", failure(wav));
    }

    @Test
    void extensibleWithANonStandardSubFormatGuid() {
        byte[] fmt = fmtExtensible(1, 1, 16000, 16, 16);
        fmt[24 + 15] = 0x72; // last byte of the GUID
        assertEquals("unsupported WAVE_FORMAT_EXTENSIBLE sub-format {00000001-0000-0010-8000-00AA00389B72}",
            failure(wav(fmt, new byte[4])));
    }

    @Test
    void extensibleWrappingMpegNamesTheWrappedTag() {
        assertEquals("unsupported format tag 0x0055 (MPEG Layer 3)", failure(wav(fmtExtensible(0x55, 1, 16000, 16, 16), new byte[4])));
    }

    @Test
    void noDataChunk() {
        assertEquals("no data chunk", failure(riff(chunk("fmt ", PCM16_MONO_16K), chunk("LIST", new byte[4]))));
    }

    @Test
    void noFmtChunk() {
        assertEquals("no fmt chunk before the end of the file", failure(riff(chunk("data", new byte[4]))));
    }

    @Test
    void readingAPathPutsThePathInTheMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.wav");
        Files.write(file, riff(chunk("fmt ", fmt(1, 0, 16000, 16, 2)), chunk("data", new byte[4])));
        var e = assertThrows(AudioFormatException.class, () -> WavReader.read(file));
        assertEquals(file + ": 0 channels", e.getMessage());
    }

    @Test
    void everyTruncationOfAValidFileReadsOrFailsCleanly() {
        byte[] valid = riff(chunk("LIST", new byte[7]), chunk("fmt ", fmtExtensible(3, 2, 48000, 32, 32)),
            chunk("data", new byte[64]));
        for (int n = 0; n < valid.length; n++) {
            byte[] cut = Arrays.copyOf(valid, n);
            try {
                WavReader.read(cut);
                fail("the first " + n + " bytes of a " + valid.length + "-byte file were read without complaint");
            } catch (AudioFormatException expected) {
                assertTrue(!expected.getMessage().isBlank(), "message for " + n + " bytes");
            } catch (RuntimeException e) {
                throw new AssertionError("first " + n + " bytes: " + e, e);
            }
        }
    }

    @Test
    void randomlyCorruptedHeadersReadOrFailWithAudioFormatException() {
        byte[] valid = riff(chunk("LIST", new byte[5]), chunk("fmt ", fmtExtensible(1, 2, 44100, 24, 24)),
            chunk("data", new byte[60]));
        Random random = new Random(7);
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] bad = valid.clone();
            int flips = 1 + random.nextInt(4);
            StringBuilder what = new StringBuilder();
            for (int f = 0; f < flips; f++) {
                int at = 4 + random.nextInt(80); // sizes, ids and fmt fields
                bad[at] = (byte) random.nextInt(256);
                what.append(String.format(" [%d]=0x%02X", at, bad[at]));
            }
            try {
                WavReader.read(bad);
            } catch (AudioFormatException expected) {
                // the point: a checked, explained failure
            } catch (RuntimeException e) {
                throw new AssertionError("corruption" + what + ": " + e, e);
            }
        }
    }
}
