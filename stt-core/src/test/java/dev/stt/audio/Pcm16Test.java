package dev.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Signed 16-bit little-endian PCM, on the wire and as raw files. */
class Pcm16Test {

    @Test
    void oddByteCountIsRejected() {
        var e = assertThrows(AudioFormatException.class, () -> Pcm16.decode(new byte[3]));
        assertEquals("PCM16 audio must have an even number of bytes, got 3", e.getMessage());
    }

    @Test
    void everySixteenBitValueSurvivesDecodeThenEncode() throws Exception {
        byte[] all = new byte[65536 * 2];
        for (int v = -32768, i = 0; v <= 32767; v++, i += 2) {
            all[i] = (byte) v;
            all[i + 1] = (byte) (v >> 8);
        }
        assertArrayEquals(all, Pcm16.encode(Pcm16.decode(all)));
    }

    @Test
    void decodeIsLittleEndianSignedOverFullScale() throws Exception {
        byte[] b = {0x00, (byte) 0x80, (byte) 0xFF, 0x7F, 0x00, 0x40, (byte) 0xFF, (byte) 0xFF};
        assertArrayEquals(new float[] {-1f, 32767 / 32768f, 0.5f, -1 / 32768f}, Pcm16.decode(b));
    }

    @Test
    void decodeOfASliceReadsOnlyThatSlice() throws Exception {
        byte[] b = {1, 0x00, 0x40, 7};
        assertArrayEquals(new float[] {0.5f}, Pcm16.decode(b, 1, 2));
    }

    @Test
    void encodeClipsBeyondFullScale() throws Exception {
        assertArrayEquals(new float[] {32767 / 32768f, -1f, 0f}, Pcm16.decode(Pcm16.encode(new float[] {1.5f, -7f, Float.NaN})));
    }

    @Test
    void rawMonoAudioTakesTheGivenRate() throws Exception {
        AudioClip clip = Pcm16.read(Pcm16.encode(Signals.tone(440, 8000, 0.5, 0.5)), 8000);
        assertEquals(8000, clip.sampleRate());
        assertEquals(0.5, clip.durationSeconds(), 1e-9);
    }

    @Test
    void rawStereoAudioIsAveragedToMono() throws Exception {
        byte[] stereo = Pcm16.encode(new float[] {0.5f, 0.25f, -0.5f, 0f});
        assertArrayEquals(new float[] {0.375f, -0.25f}, Pcm16.read(stereo, 48000, 2).samples());
    }

    @Test
    void rawAudioWithAPartialFrameIsRejected() {
        var e = assertThrows(AudioFormatException.class, () -> Pcm16.read(new byte[6], 16000, 2));
        assertEquals("raw PCM16 with 2 channel(s) needs a multiple of 4 bytes, got 6", e.getMessage());
    }

    @Test
    void rawAudioNeedsAPositiveRate() {
        var e = assertThrows(AudioFormatException.class, () -> Pcm16.read(new byte[4], 0));
        assertEquals("sample rate must be positive, got 0", e.getMessage());
    }
}
