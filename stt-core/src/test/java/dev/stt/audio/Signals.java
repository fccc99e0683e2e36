package dev.stt.audio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Test signals and measurements shared by the audio tests. */
final class Signals {

    private Signals() {
    }

    static float[] tone(double hz, int rate, double seconds, double amplitude) {
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    /** RMS of the middle, away from the filter's start-up and tail transients. */
    static double steadyRms(float[] x) {
        int edge = x.length / 5;
        return rms(x, edge, x.length - edge);
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    /**
     * The repository's speech clips, {@code stt-testkit/data/speech}. stt-core cannot depend on stt-testkit
     * (the kit is built on stt-core), so its tests find the folder the same way the kit does.
     */
    static Path speechDir() {
        String prop = System.getProperty("stt.repo.dir");
        Path here = prop != null ? Paths.get(prop).toAbsolutePath() : Paths.get("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("stt-testkit").resolve("data").resolve("speech");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("stt-testkit/data/speech not found above " + here);
    }
}
