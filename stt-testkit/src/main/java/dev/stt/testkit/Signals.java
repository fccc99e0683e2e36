package dev.stt.testkit;

import java.util.List;

/** Test signals built from real recordings. */
public final class Signals {

    private Signals() {
    }

    /** The pieces one after another. */
    public static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
