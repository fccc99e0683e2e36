package dev.stt.bench.load;

import dev.stt.bench.BenchClip;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Runs the load steps: calibrate once, then for each client count stream for a bounded time and report. */
public final class LoadStep {

    /**
     * @param stepSeconds  how long callers start new clips in one step
     * @param graceSeconds how long, after that, the last clips may wait for their transcripts
     * @param chunkMs      audio per message, sent every chunkMs
     * @param silenceMs    silence after each clip (longer than the VAD's window)
     * @param vadSilenceMs the server's VAD silence window
     * @param serverPid    the server's pid for RSS, or null when it runs in this JVM
     * @param serverIdle   whether the server has no transcription queued or running (in-process only), or null
     */
    public record Settings(int stepSeconds, int graceSeconds, int chunkMs, int silenceMs, int vadSilenceMs, String serverPid,
                           java.util.function.BooleanSupplier serverIdle) {
    }

    /** A step this far over the limit, or with this share of failures, ends the run: larger ones only pile up. */
    static final double SATURATED_FACTOR = 10;
    static final double SATURATED_ERROR_SHARE = 0.5;

    private LoadStep() {
    }

    public static List<StepReport> runAll(URI uri, List<BenchClip> clips, List<Integer> steps, Settings s, double limitMs,
                                          Consumer<StepReport> onStep, PrintStream out) throws Exception {
        return runAll(uri, List.of(Door.ORIGINAL), clips, steps, s, limitMs, onStep, out);
    }

    /**
     * @param uri   the original door ({@code ws://HOST:PORT/}); the Realtime door is {@code /v1/realtime} beside it
     * @param doors the doors each client count runs, one step each, in this order
     */
    public static List<StepReport> runAll(URI uri, List<Door> doors, List<BenchClip> clips, List<Integer> steps, Settings s,
                                          double limitMs, Consumer<StepReport> onStep, PrintStream out) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ClipTape tape = ClipTape.of(clips, s.chunkMs(), s.silenceMs());
        if (doors.contains(Door.ORIGINAL)) {
            int[] segments = SegmentCalibration.count(http, uri, tape, Duration.ofMillis(1000), Duration.ofSeconds(20));
            tape = tape.withSegments(segments);
            out.println("segments per clip: " + java.util.Arrays.toString(segments));
        }
        ClipTape realtime = doors.contains(Door.REALTIME) ? ClipTape.realtimeOf(clips, s.chunkMs(), s.silenceMs()) : null;
        URI realtimeUri = uri.resolve("/v1/realtime");
        out.println(StepReport.header());
        out.println(StepReport.separator());
        java.util.EnumSet<Door> saturated = java.util.EnumSet.noneOf(Door.class);
        List<StepReport> reports = new ArrayList<>();
        ScheduledExecutorService pace = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "load-pace");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int n : steps) {
                for (Door d : doors) {
                    if (saturated.contains(d)) {
                        continue;
                    }
                    awaitIdle(s);
                    StepReport r = d == Door.ORIGINAL ? step(http, uri, tape, n, s, pace, d)
                            : step(http, realtimeUri, realtime, n, s, pace, d);
                    reports.add(r);
                    onStep.accept(r);
                    if (r.pMinusSilence(95) > SATURATED_FACTOR * limitMs || r.errors() > SATURATED_ERROR_SHARE * Math.max(1, r.latencyMs().length)) {
                        out.println("saturated at " + n + " clients on the " + d.label() + " door: larger steps skipped there");
                        saturated.add(d);
                    }
                }
                if (saturated.containsAll(doors)) {
                    break;
                }
            }
            awaitIdle(s);
        } finally {
            pace.shutdownNow();
        }
        return reports;
    }

    /**
     * Lets the previous step's backlog finish, so each step starts on an idle server (and the server is
     * not closed under a running inference). Bounded: two minutes at most; a server run elsewhere gets
     * a fixed few seconds.
     */
    private static void awaitIdle(Settings s) throws InterruptedException {
        if (s.serverIdle() == null) {
            Thread.sleep(3000);
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !s.serverIdle().getAsBoolean()) {
            Thread.sleep(100);
        }
    }

    static StepReport step(HttpClient http, URI uri, ClipTape tape, int n, Settings s, ScheduledExecutorService pace, Door door)
            throws InterruptedException {
        StepLog log = new StepLog();
        List<LoadClient> clients = new ArrayList<>();
        List<CompletableFuture<?>> connects = new ArrayList<>();
        java.util.Map<String, Double> countersBefore = MetricsScrape.scrape(http, uri);
        for (int i = 0; i < n; i++) {
            LoadClient c = door == Door.ORIGINAL ? new StreamingClient(tape, i, log)
                    : new RealtimeStreamingClient(tape, i, log, s.vadSilenceMs());
            clients.add(c);
            connects.add(c.connect(http, uri));
        }
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // counted per client by StreamingClient.connect
        }
        AtomicLong peakRss = new AtomicLong(-1);
        AtomicLong peakDirect = new AtomicLong(-1);
        Runnable sample = () -> {
            peakRss.accumulateAndGet(ProcessMemory.rssBytes(s.serverPid() == null ? "self" : s.serverPid()), Math::max);
            if (s.serverPid() == null) {
                peakDirect.accumulateAndGet(ProcessMemory.directBytes(), Math::max);
            }
        };
        List<ScheduledFuture<?>> ticks = new ArrayList<>();
        ticks.add(pace.scheduleAtFixedRate(sample, 0, 500, TimeUnit.MILLISECONDS));
        CpuMeter cpu = new CpuMeter(s.serverPid());
        for (int i = 0; i < n; i++) {
            LoadClient c = clients.get(i);
            // Spread the callers over one chunk period so their sends do not arrive in lockstep.
            long offsetMicros = (long) i * s.chunkMs() * 1000L / n;
            ticks.add(pace.scheduleAtFixedRate(c::tick, offsetMicros, s.chunkMs() * 1000L, TimeUnit.MICROSECONDS));
        }
        Thread.sleep(s.stepSeconds() * 1000L);
        // CPU over the streaming window only: the drain and grace that follow are mostly idle
        double cores = cpu.cores();
        clients.forEach(LoadClient::stop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.graceSeconds() + 30);
        // Callers finish the clip they are in (a clip is at most ~15 s), then wait for transcripts.
        while (System.nanoTime() < deadline && !clients.stream().allMatch(LoadClient::done)) {
            Thread.sleep(50);
        }
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.graceSeconds());
        while (System.nanoTime() < graceEnd && clients.stream().anyMatch(c -> c.outstanding() > 0)) {
            Thread.sleep(50);
        }
        ticks.forEach(t -> t.cancel(false));
        sample.run();
        clients.forEach(LoadClient::close);
        java.util.Map<String, Double> counters = MetricsScrape.delta(countersBefore, MetricsScrape.scrape(http, uri));
        return new StepReport(n, log.latenciesMs(), s.vadSilenceMs(), log.transcripts(), log.errors(), log.firstError(),
                peakRss.get(), peakDirect.get(), door, cores, log.turns(), log.deltasBeforeStop(), log.deltas(), log.wer(), counters);
    }
}
