package dev.stt.server;

import dev.stt.session.TranscriptionSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The server's Prometheus metrics; {@code GET /metrics} serves {@link #scrape()}. */
public final class ServerMetrics {

    /** Error kinds that exist from the first scrape, so a dashboard can rate() them before the first error. */
    private static final List<String> KNOWN_ERRORS = List.of("invalid_json", "invalid_audio", "invalid_request", "overloaded",
            "not_ready", "segment_failed", "transcription_failed", "internal", "message_too_large");

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
        // the state object must be non-null and live: Micrometer holds it weakly and never reads a counter
        // whose state is gone (with null, these read 0 for ever)
        FunctionCounter.builder("stt.early.decodes", this, x -> TranscriptionSession.earlyDecodesStarted())
                .description("segments transcribed while their speaker paused, before the silence window closed them")
                .register(registry);
        FunctionCounter.builder("stt.early.decodes.used", this, x -> TranscriptionSession.earlyDecodesUsed())
                .description("early decodes that answered their segment (the others were dropped: speech came back)")
                .register(registry);
        for (String outcome : List.of("started", "skipped", "reported", "dropped")) {
            FunctionCounter.builder("stt.interim.decodes", this, x -> TranscriptionSession.interimDecodes(outcome))
                    .tag("outcome", outcome)
                    .description("interim decodes of open speech: started on a spare worker, skipped (no worker was spare"
                            + " before the turn paused or closed, or a fresher one replaced it: finals first), reported to"
                            + " the client, dropped (the utterance closed first)")
                    .register(registry);
        }
        for (String kind : KNOWN_ERRORS) {
            errorCounter(kind);
        }
        segments = Counter.builder("stt.segments").description("speech segments closed by the VAD").register(registry);
        audioSeconds = Counter.builder("stt.audio.seconds").description("seconds of audio received").register(registry);
        latency = Timer.builder("stt.inference.latency").description("segment closed to transcript ready")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    void gauge(String name, String tag, String tagValue, String description, Supplier<Number> value) {
        Gauge.builder(name, value).tag(tag, tagValue).description(description).register(registry);
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
        errorCounter(kind).increment();
    }

    /** One request answered: its route (a registered path, never the raw URI) and status. */
    void request(String route, int status) {
        Counter.builder("stt.http.requests").tag("route", route).tag("status", Integer.toString(status))
                .description("HTTP requests answered, by route and status (101 = WebSocket session opened)")
                .register(registry).increment();
    }

    private Counter errorCounter(String kind) {
        return Counter.builder("stt.errors").tag("kind", kind)
                .description("errors sent to clients, by kind (the client's input, overload, or a failure of ours)")
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
