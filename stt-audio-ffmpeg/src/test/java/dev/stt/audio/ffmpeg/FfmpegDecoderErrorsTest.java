package dev.stt.audio.ffmpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stt.audio.AudioFormatException;
import dev.stt.audio.AudioSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets an AudioFormatException naming the file and what was found, quickly; never a crash or a hang. */
class FfmpegDecoderErrorsTest {

    private static final FfmpegDecoder DECODER = new FfmpegDecoder();

    @TempDir
    Path dir;

    /** Opens and reads everything, expecting the refusal somewhere on the way. */
    private static AudioFormatException refused(ThrowingOpen open) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(AudioFormatException.class, () -> {
            try (AudioSource s = open.open()) {
                Fixtures.readAll(s);
            }
        }));
    }

    interface ThrowingOpen {
        AudioSource open() throws IOException;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void randomBytesNamedMp3() throws IOException {
        for (long seed = 1; seed <= 20; seed++) {
            byte[] noise = randomBytes(64 * 1024, seed);
            AudioFormatException e = refused(() -> DECODER.open(noise, "noise.mp3"));
            assertTrue(e.getMessage().startsWith("cannot decode 'noise.mp3': "), e.getMessage());
            Path file = Files.write(dir.resolve("noise.mp3"), noise);
            AudioFormatException f = refused(() -> DECODER.open(file));
            assertTrue(f.getMessage().startsWith("cannot decode 'noise.mp3': "), f.getMessage());
            if (seed == 1) {
                System.out.println("random bytes: " + e.getMessage());
            }
        }
    }

    @Test
    void aFileWithNoAudioStreamSaysSo() {
        AudioFormatException e = refused(() -> DECODER.open(Fixtures.resource("no-audio.mp4")));
        System.out.println("no audio: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("no audio stream in 'no-audio.mp4'"), e.getMessage());
        assertTrue(e.getMessage().contains("video mpeg4"), e.getMessage());
        AudioFormatException b = refused(() -> DECODER.open(Fixtures.bytes("no-audio.mp4"), "x.mp4"));
        assertTrue(b.getMessage().startsWith("no audio stream in 'x.mp4'"), b.getMessage());
    }

    @Test
    void anUnsupportedCodecIsNamed() {
        // a WAV whose format tag FFmpeg knows no decoder for
        ByteBuffer b = ByteBuffer.allocate(44 + 8000).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 8000).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 0x7A21).putShort((short) 1).putInt(8000).putInt(8000)
            .putShort((short) 1).putShort((short) 8);
        b.put("data".getBytes()).putInt(8000);
        AudioFormatException e = refused(() -> DECODER.open(b.array(), "odd.wav"));
        System.out.println("unsupported codec: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot decode 'odd.wav': "), e.getMessage());
    }

    @Test
    void anM4aCutShortBeforeItsIndexIsRefused() {
        byte[] whole = Fixtures.bytes("jfk.m4a");
        byte[] cut = Arrays.copyOf(whole, whole.length / 3);
        AudioFormatException e = refused(() -> DECODER.open(cut, "cut.m4a"));
        System.out.println("truncated m4a: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot decode 'cut.m4a': "), e.getMessage());
    }

    private static byte[] headerScratched(String name) {
        byte[] b = Fixtures.bytes(name);
        byte[] noise = randomBytes(512, name.hashCode());
        System.arraycopy(noise, 0, b, 0, noise.length);
        return b;
    }

    @Test
    void aCorruptHeaderIsRefused() {
        for (String name : new String[] {"jfk.ogg", "jfk.m4a", "jfk.webm", "jfk.opus", "jfk.mp4"}) {
            byte[] b = headerScratched(name);
            AudioFormatException e = refused(() -> DECODER.open(b, name));
            System.out.println("header scratched: " + e.getMessage());
            // the MP4 with its header gone reads as a raw MPEG-4 video: "no audio stream in 'jfk.mp4'"
            assertTrue(e.getMessage().startsWith("cannot decode '" + name + "': ")
                || e.getMessage().startsWith("no audio stream in '" + name + "'"), e.getMessage());
        }
    }

    /** FLAC frames each carry a sync code: with STREAMINFO gone FFmpeg finds the frames after it. */
    @Test
    void aFlacWithItsHeaderScratchedResynchronises() throws IOException {
        try (AudioSource s = DECODER.open(headerScratched("jfk.flac"), "jfk.flac")) {
            assertEquals(11.0, Fixtures.readAll(s).length / (double) s.sampleRate(), 0.2);
        }
    }

    /** Streams cut short are found at their end: all the samples there are come first, then the refusal. */
    @Test
    void filesCutShortAreRefusedAtTheEndAfterTheirSamples() throws IOException {
        for (String name : new String[] {"jfk.mp3", "jfk.webm", "jfk.flac", "jfk-stereo-44k-adpcm.wav"}) {
            byte[] whole = Fixtures.bytes(name);
            byte[] half = Arrays.copyOf(whole, whole.length / 2);
            AudioSource s = DECODER.open(half, name);
            float[] piece = new float[4096];
            long got = 0;
            AudioFormatException e = null;
            try (s) {
                for (int n; (n = s.read(piece)) != -1; ) {
                    got += n;
                }
            } catch (AudioFormatException refused) {
                e = refused;
            }
            System.out.println("cut in half: " + (e == null ? name + " not refused" : e.getMessage()));
            assertTrue(e != null, name + " cut in half was not refused");
            assertTrue(e.getMessage().startsWith("cannot decode '" + name + "': it ends at "), e.getMessage());
            assertEquals(5.5, got / (double) s.sampleRate(), 0.6, name);
        }
    }

    /** Scrambled packets in an intact container: the decoder fails on each, and 32 in a row end it. */
    @Test
    void anM4aWhosePacketsAreAllGarbageNamesTheByte() {
        byte[] b = Fixtures.bytes("jfk.m4a");
        int from = indexOf(b, "mdat") + 8;
        int to = indexOf(b, "moov") - 4;
        byte[] noise = randomBytes(to - from, 11);
        System.arraycopy(noise, 0, b, from, noise.length);
        AudioFormatException e = refused(() -> DECODER.open(b, "scrambled.m4a"));
        System.out.println("scrambled packets: " + e.getMessage());
        assertTrue(e.getMessage().matches("cannot decode 'scrambled.m4a': invalid data .* at byte \\d+.*"),
            e.getMessage());
    }

    private static int indexOf(byte[] b, String fourCc) {
        outer:
        for (int i = 0; i + 4 <= b.length; i++) {
            for (int j = 0; j < 4; j++) {
                if (b[i + j] != fourCc.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no " + fourCc);
    }

    @Test
    void garbageInTheMiddleOfAnMp3DoesNotStopTheRest() throws IOException {
        byte[] b = Fixtures.bytes("jfk.mp3");
        byte[] noise = randomBytes(2000, 7);
        System.arraycopy(noise, 0, b, b.length / 2, noise.length);
        try (AudioSource s = DECODER.open(b, "scratched.mp3")) {
            double seconds = Fixtures.readAll(s).length / (double) s.sampleRate();
            assertEquals(11.0, seconds, 1.0);
        }
    }

    @Test
    void emptyInputAndMissingFiles() {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> DECODER.open(new byte[0], "empty.mp3"));
        assertEquals("cannot decode 'empty.mp3': it is empty (0 bytes)", e.getMessage());
        Path empty = dir.resolve("empty.ogg");
        AudioFormatException f = refused(() -> DECODER.open(Files.write(empty, new byte[0])));
        assertTrue(f.getMessage().startsWith("cannot decode 'empty.ogg'"), f.getMessage());
        assertThrows(NoSuchFileException.class, () -> DECODER.open(dir.resolve("absent.mp3")));
        assertThrows(AudioFormatException.class, () -> DECODER.open(dir));
    }

    @Test
    void tinyInputsOfEveryLengthNeverCrash() {
        byte[] mp3 = Fixtures.bytes("jfk.mp3");
        for (int n = 1; n < 200; n += 7) {
            byte[] head = Arrays.copyOf(mp3, n);
            try (AudioSource s = DECODER.open(head, "head.mp3")) {
                Fixtures.readAll(s);
            } catch (AudioFormatException expected) {
                assertTrue(expected.getMessage().contains("head.mp3"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** An upload (or a file) that is a playlist or concat script must not make FFmpeg open what it names. */
    @Test
    void aPlaylistNamingAnotherFileOpensNothing() throws IOException {
        Path mp3 = Fixtures.resource("jfk.mp3").toAbsolutePath();
        String[][] scripts = {
            {"list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:11\n#EXTINF:11,\n" + mp3.toUri() + "\n#EXT-X-ENDLIST\n"},
            {"list2.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:11\n#EXTINF:11,\n" + mp3 + "\n#EXT-X-ENDLIST\n"},
            {"list.ffconcat", "ffconcat version 1.0\nfile '" + mp3 + "'\n"}};
        for (String[] script : scripts) {
            byte[] b = script[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            AudioFormatException e = refused(() -> DECODER.open(b, script[0]));
            System.out.println(script[0] + ": " + e.getMessage());
            Path file = Files.write(dir.resolve(script[0]), b);
            refused(() -> DECODER.open(file));
        }
    }

    @Test
    void fileNamesWithSpacesColonsHashesAndAccentsOpen() throws IOException {
        Path odd = Files.copy(Fixtures.resource("jfk.mp3"), dir.resolve("a b:c#d?é%20.mp3"));
        try (AudioSource s = DECODER.open(odd)) {
            assertEquals(11.0, Fixtures.readAll(s).length / 16000.0, 0.05);
        }
        AudioFormatException e = refused(() -> DECODER.open(Files.write(dir.resolve("x y:z.mp4"),
            Fixtures.bytes("no-audio.mp4"))));
        assertTrue(e.getMessage().startsWith("no audio stream in 'x y:z.mp4'"), e.getMessage());
    }

    @Test
    void anUploadsNameIsMadePrintableInMessages() {
        AudioFormatException e = refused(() -> DECODER.open(randomBytes(1000, 5), "a\nFAKE LOG LINE\r.mp3"));
        assertTrue(e.getMessage().startsWith("cannot decode 'a?FAKE LOG LINE?.mp3': "), e.getMessage());
        String longName = "x".repeat(500) + ".mp3";
        AudioFormatException f = refused(() -> DECODER.open(randomBytes(1000, 6), longName));
        assertTrue(f.getMessage().startsWith("cannot decode '" + "x".repeat(120) + "...': "), f.getMessage());
    }

    @Test
    void closeTwiceAndReadAfterClose() throws IOException {
        AudioSource s = DECODER.open(Fixtures.bytes("jfk.flac"), "jfk.flac");
        s.read(new float[100]);
        s.close();
        s.close();
        assertThrows(IOException.class, () -> s.read(new float[10]));
        assertEquals(0, CallbackInput.openCount());
    }
}
