package dev.stt.bench;

import dev.stt.audio.AudioFiles;
import dev.stt.audio.AudioSource;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import dev.stt.audio.ffmpeg.FfmpegDecoder;
import dev.stt.eval.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How fast each format decodes (seconds of audio per second of wall time, one thread), and the peak resident
 * memory while a 1-hour MP3 is decoded and resampled to 16 kHz in pieces, as the transcription pipeline reads
 * it.
 *
 * <p>The formats are stt-audio-ffmpeg's test fixtures (jfk.wav, 11 s, in each codec), decoded whole from the
 * file {@code --rounds} times after a warm-up, median kept; jfk.wav is timed both through {@link WavReader}
 * (what {@link AudioFiles} uses for it) and through FFmpeg. The 1-hour MP3 is the fixture's MP3 frames looped
 * by the {@code ffmpeg} executable ({@code -stream_loop 327 -c copy}, no re-encoding) into
 * {@code stt-bench/target/decode-speed/}; without an {@code ffmpeg} on the PATH (or {@code --long FILE}) that
 * part is skipped. The product never needs the executable: only this generator does. Peak RSS is VmHWM from
 * /proc/self/status, reset to the current RSS just before the long decode (writing 5 to
 * /proc/self/clear_refs) so it is that decode's own peak. The RSS every 10 minutes of audio shows beside it
 * how much of it is the Java heap the collector has committed: with a large default heap, G1 grows it with
 * short-lived garbage (the resampler's output arrays) instead of collecting; {@code -Xmx64m} shows the
 * decoder's own footprint.
 *
 * <pre>java -cp ... dev.stt.bench.DecodeSpeed [--rounds 20] [--fixtures DIR] [--long FILE.mp3] [--loops 327]</pre>
 */
public final class DecodeSpeed {

    private static final String[] FORMATS = {
        "jfk.mp3", "jfk.m4a", "jfk.ogg", "jfk.opus", "jfk.webm", "jfk.flac", "jfk.mp4", "jfk-stereo-22k.mkv",
        "jfk-stereo-44k-adpcm.wav", "jfk-8k-mulaw.wav", "jfk.amr"};

    private DecodeSpeed() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("rounds", "fixtures", "long", "loops"),
            "DecodeSpeed [--rounds N] [--fixtures DIR] [--long FILE.mp3] [--loops N]");
        int rounds = a.positiveInt("rounds", 20);
        int loops = a.positiveInt("loops", 327);
        Path repo = TestData.repoDir();
        Path fixtures = Path.of(a.string("fixtures",
            repo.resolve("stt-audio-ffmpeg/src/test/resources").toString()));
        FfmpegDecoder ffmpeg = new FfmpegDecoder();

        long t0 = System.nanoTime();
        try (AudioSource s = ffmpeg.open(fixtures.resolve("jfk.mp3"))) {
            s.read(new float[1024]);
        }
        System.out.printf(Locale.ROOT, "first FFmpeg open (loads the native libraries): %.0f ms%n",
            (System.nanoTime() - t0) / 1e6);

        Path longMp3 = a.string("long", null) != null ? Path.of(a.string("long", null))
            : makeLongMp3(fixtures.resolve("jfk.mp3"), repo.resolve("stt-bench/target/decode-speed"), loops);
        if (longMp3 != null) {
            longDecode(ffmpeg, longMp3); // first, while the heap and the native arenas are still small
        }

        System.out.printf(Locale.ROOT, "%n%-34s %10s %12s %14s%n", "format (11 s of speech)", "rate", "ms/decode",
            "audio s/wall s");
        Path wav = TestData.jfkWav();
        report("jfk.wav via WavReader", rounds, () -> AudioSource.of(WavReader.read(wav)));
        report("jfk.wav via FFmpeg", rounds, () -> ffmpeg.open(wav));
        for (String name : FORMATS) {
            Path file = fixtures.resolve(name);
            report(name, rounds, () -> ffmpeg.open(file));
        }
        byte[] mp3 = Files.readAllBytes(fixtures.resolve("jfk.mp3"));
        report("jfk.mp3 from bytes (AVIOContext)", rounds, () -> ffmpeg.open(mp3, "jfk.mp3"));
    }

    private interface Opener {
        AudioSource open() throws IOException;
    }

    private static void report(String label, int rounds, Opener opener) throws IOException {
        float[] buf = new float[16000];
        int rate = 0;
        long samples = 0;
        for (int i = 0; i < 3; i++) { // warm-up
            try (AudioSource s = opener.open()) {
                rate = s.sampleRate();
                samples = drain(s, buf);
            }
        }
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            try (AudioSource s = opener.open()) {
                drain(s, buf);
            }
            ms[r] = (System.nanoTime() - t) / 1e6;
        }
        double median = Stats.median(ms);
        double seconds = samples / (double) rate;
        System.out.printf(Locale.ROOT, "%-34s %7d Hz %12.2f %14.0f%n", label, rate, median, seconds / (median / 1000));
    }

    private static long drain(AudioSource s, float[] buf) throws IOException {
        long n = 0;
        for (int k; (k = s.read(buf)) != -1; ) {
            n += k;
        }
        return n;
    }

    /** The fixture's frames looped {@code loops} more times with ffmpeg's stream copy; null without ffmpeg. */
    private static Path makeLongMp3(Path mp3, Path dir, int loops) throws IOException, InterruptedException {
        Path out = dir.resolve("jfk-looped-" + (loops + 1) + "x.mp3");
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Files.createDirectories(dir);
        List<String> cmd = List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop",
            Integer.toString(loops), "-i", mp3.toString(), "-c", "copy", out.toString());
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                System.out.println("1-hour MP3: ffmpeg failed (" + String.join(" ", cmd) + "); skipped");
                return null;
            }
        } catch (IOException e) {
            System.out.println("1-hour MP3: no ffmpeg executable on the PATH to make it (" + e.getMessage()
                + "); skipped. Pass --long FILE.mp3 to use one of your own.");
            return null;
        }
        System.out.println("made " + out + " with: " + String.join(" ", cmd));
        return out;
    }

    private static void longDecode(FfmpegDecoder ffmpeg, Path file) throws IOException {
        System.gc();
        long rssBefore = status("VmRSS:");
        boolean reset = resetPeak();
        long t = System.nanoTime();
        long samples16k = 0;
        long samples = 0;
        int rate;
        List<String> timeline = new ArrayList<>();
        float[] buf = new float[16000];
        try (AudioSource s = ffmpeg.open(file)) {
            rate = s.sampleRate();
            Resampler to16k = new Resampler(rate, 16000);
            long nextMark = 0;
            for (int k; (k = s.read(buf)) != -1; ) {
                samples += k;
                samples16k += to16k.process(buf, 0, k).length;
                if (samples >= nextMark) {
                    timeline.add(String.format(Locale.ROOT, "%d min %.0f MB (heap committed %.0f MB)",
                        samples / rate / 60, status("VmRSS:") / 1e6, Runtime.getRuntime().totalMemory() / 1e6));
                    nextMark += 10L * 60 * rate;
                }
            }
            samples16k += to16k.flush().length;
        }
        double wall = (System.nanoTime() - t) / 1e9;
        double seconds = samples / (double) rate;
        System.out.printf(Locale.ROOT, "%n1-hour MP3 %s (%.1f MB): %.1f s of audio at %d Hz (%d samples at 16 kHz) "
                + "decoded and resampled in %.2f s = %.0f audio s/wall s%n", file.getFileName(), Files.size(file) / 1e6,
            seconds, rate, samples16k, wall, seconds / wall);
        System.out.printf(Locale.ROOT, "RSS before %.0f MB; peak during the decode (VmHWM%s) %.0f MB; after %.0f MB%n",
            rssBefore / 1e6, reset ? ", reset before it" : ", whole process: clear_refs refused", status("VmHWM:") / 1e6,
            status("VmRSS:") / 1e6);
        System.out.println("RSS every 10 minutes of audio: " + String.join(", ", timeline));
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+); false where that is not allowed. */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A kB field of /proc/self/status in bytes, or -1 off Linux. */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
