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
