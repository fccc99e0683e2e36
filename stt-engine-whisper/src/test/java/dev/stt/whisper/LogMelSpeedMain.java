package dev.stt.whisper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Not a test: prints how long one 30 s log-mel takes (wall and CPU time, one thread, after warm-up), CPU
 * time being the steadier figure on a shared machine. Unit tests never assert times.
 * {@code java -cp stt-engine-whisper/target/classes:stt-engine-whisper/target/test-classes dev.stt.whisper.LogMelSpeedMain}
 */
public final class LogMelSpeedMain {

    private LogMelSpeedMain() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        float[] audio = new float[LogMelSpectrogram.CHUNK_SAMPLES];
        Random rnd = new Random(1);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        for (int mels : new int[] {80, 128}) {
            LogMelSpectrogram lm = new LogMelSpectrogram(mels);
            for (int i = 0; i < 100; i++) {
                lm.compute(audio);
            }
            int n = 50;
            long wall = System.nanoTime();
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                lm.compute(audio);
            }
            System.out.printf("log-mel %d bins: %.1f ms wall, %.1f ms CPU per 30 s of audio (one thread)%n", mels,
                    (System.nanoTime() - wall) / 1e6 / n, (mx.getCurrentThreadCpuTime() - cpu) / 1e6 / n);
        }
    }
}
