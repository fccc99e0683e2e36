package dev.stt.audio.ffmpeg;

import dev.stt.audio.AudioClip;
import dev.stt.audio.AudioSource;
import dev.stt.audio.Resampler;
import dev.stt.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The committed fixtures (see src/test/resources/README.md) and the signal checks the tests share. */
final class Fixtures {

    private Fixtures() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test resource " + name, e);
        }
    }

    /** The clip every fixture was encoded from: 11 s of 16 kHz mono speech. */
    static AudioClip reference() {
        String repo = System.getProperty("stt.repo.dir", "..");
        try {
            return WavReader.read(Path.of(repo, "stt-testkit", "data", "speech", "jfk.wav"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything a source gives, read in pieces of an awkward size. */
    static float[] readAll(AudioSource source) throws IOException {
        float[] all = new float[1 << 16];
        int n = 0;
        float[] piece = new float[1000];
        for (int got; (got = source.read(piece)) != -1; ) {
            if (n + got > all.length) {
                all = Arrays.copyOf(all, all.length * 2);
            }
            System.arraycopy(piece, 0, all, n, got);
            n += got;
        }
        return Arrays.copyOf(all, n);
    }

    /** The best normalised correlation of {@code x} with {@code ref} over lags of ±maxLag, and that lag. */
    static double[] bestCorrelation(float[] x, float[] ref, int maxLag) {
        double best = -2;
        int bestLag = 0;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double sxy = 0, sxx = 0, syy = 0;
            int from = Math.max(0, -lag);
            int to = Math.min(ref.length, x.length - lag);
            for (int i = from; i < to; i++) {
                double a = ref[i], b = x[i + lag];
                sxy += a * b;
                sxx += a * a;
                syy += b * b;
            }
            double c = sxy / Math.sqrt(sxx * syy + 1e-30);
            if (c > best) {
                best = c;
                bestLag = lag;
            }
        }
        return new double[] {best, bestLag};
    }

    static float[] to16k(float[] x, int rate) {
        return rate == 16000 ? x : Resampler.resample(x, rate, 16000);
    }
}
