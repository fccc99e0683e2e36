package dev.stt.server;

import dev.stt.session.TranscriptionSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The server's Prometheus metrics; {@code GET /metrics} serves {@link #scrape()}. */
public final class ServerMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter segments;
    private final Counter audioSeconds;
    private final Timer latency;

    ServerMetrics(Supplier<Number> queueDepth) {
        Gauge.builder("stt.sessions.active", sessions, AtomicInteger::get)
                .description("WebSocket sessions open now").register(registry);
        Gauge.builder("stt.inference.queue.depth", queueDepth)
                .description("segments waiting for an inference worker").register(registry);
        FunctionCounter.builder("stt.early.decodes", null, x -> TranscriptionSession.earlyDecodesStarted())
                .description("segments transcribed while their speaker paused, before the silence window closed them")
                .register(registry);
        FunctionCounter.builder("stt.early.decodes.used", null, x -> TranscriptionSession.earlyDecodesUsed())
                .description("early decodes that answered their segment (the others were dropped: speech came back)")
                .register(registry);
        segments = Counter.builder("stt.segments").description("speech segments closed by the VAD").register(registry);
        audioSeconds = Counter.builder("stt.audio.seconds").description("seconds of audio received").register(registry);
        latency = Timer.builder("stt.inference.latency").description("segment closed to transcript ready")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public AtomicInteger sessions() {
        return sessions;
    }

    public void segmentClosed() {
        segments.increment();
    }

    public void audio(double seconds) {
        audioSeconds.increment(seconds);
    }

    public void latency(long nanos) {
        latency.record(Duration.ofNanos(nanos));
    }

    /** Counts errors sent to clients by kind: invalid_json, invalid_audio, busy, not_ready, ... */
    public void error(String kind) {
        registry.counter("stt.errors", "kind", kind).increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}
