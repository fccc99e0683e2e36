package dev.stt.engine;

import java.util.Locale;

/** Where inference runs. {@link #AUTO} tries CUDA and falls back to the CPU with one log line. */
public enum Device {
    CPU, CUDA, AUTO;

    public static Device parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device must be cpu, cuda or auto, not '" + s + "'");
        }
    }
}
