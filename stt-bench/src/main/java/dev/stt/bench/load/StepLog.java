package dev.stt.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What the clients of one load step saw: end-of-speech → transcript latencies and failures. Thread-safe. */
public final class StepLog {

    private final List<Double> latencyMs = new ArrayList<>();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger connectFailures = new AtomicInteger();
    private final AtomicInteger sendFailures = new AtomicInteger();
    private final AtomicInteger timeouts = new AtomicInteger();
    private final AtomicInteger transcripts = new AtomicInteger();
    private volatile String firstError;
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicInteger deltasBeforeStop = new AtomicInteger();
    private final AtomicInteger deltas = new AtomicInteger();
    private dev.stt.eval.WordErrorRate.Score wer = new dev.stt.eval.WordErrorRate.Score(0, 0);

    synchronized void latency(double ms) {
        latencyMs.add(ms);
    }

    void transcript() {
        transcripts.incrementAndGet();
    }

    void serverError(String message) {
        serverErrors.incrementAndGet();
        noteFirst("server: " + message);
    }

    void connectFailure(Throwable t) {
        connectFailures.incrementAndGet();
        noteFirst("connect: " + t);
    }

    void sendFailure(Throwable t) {
        sendFailures.incrementAndGet();
        noteFirst("send: " + t);
    }

    void timeouts(int n) {
        timeouts.addAndGet(n);
        if (n > 0) {
            noteFirst(n + " clip(s) got no final transcript in time");
        }
    }

    private void noteFirst(String e) {
        if (firstError == null) {
            firstError = e;
        }
    }

    /** One VAD turn (Realtime item) closed, with the deltas that arrived before its {@code speech_stopped}. */
    void turn(int deltasBeforeSpeechStopped) {
        turns.incrementAndGet();
        deltasBeforeStop.addAndGet(deltasBeforeSpeechStopped);
    }

    void delta() {
        deltas.incrementAndGet();
    }

    /** A clip's whole final text, scored against what was said. */
    synchronized void finalText(String reference, String hypothesis) {
        if (reference != null && !reference.isBlank()) {
            wer = wer.plus(dev.stt.eval.WordErrorRate.score(reference, hypothesis));
        }
    }

    public int turns() {
        return turns.get();
    }

    public int deltasBeforeStop() {
        return deltasBeforeStop.get();
    }

    public int deltas() {
        return deltas.get();
    }

    public synchronized dev.stt.eval.WordErrorRate.Score wer() {
        return wer;
    }

    public synchronized double[] latenciesMs() {
        return latencyMs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public int transcripts() {
        return transcripts.get();
    }

    public int errors() {
        return serverErrors.get() + connectFailures.get() + sendFailures.get() + timeouts.get();
    }

    public String firstError() {
        return firstError;
    }
}
