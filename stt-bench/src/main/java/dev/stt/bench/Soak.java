package dev.stt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.Pcm16;
import dev.stt.audio.WavReader;
import dev.stt.protocol.client.WholeTextMessages;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.onnx.LiveTensors;
import dev.stt.protocol.Json;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak: an in-process server fed by callers that stream the shared clips over and over (one session in
 * ten dropped mid-utterance), sampling RSS and direct memory as it goes. Reports whether memory stays
 * flat after warm-up and whether any closed segment went unanswered.
 *
 * <pre>java -cp stt-bench.jar dev.stt.bench.Soak --seconds 600 --clients 4 --speed 4</pre>
 */
public final class Soak {

    /** One sample of the process. */
    public record Sample(double atSeconds, long rssBytes, long directBytes, long heapBytes, long liveTensors,
                         int openSessions, long answered, long lost) {
    }

    /** What a run found: the samples, segments answered, segments never answered. */
    public record Report(List<Sample> samples, long answered, long lost, long sessions, long dropped,
                         long tensorsBefore, long tensorsAfter, int openSessionsAfter) {

        /** Largest relative distance of a sample's RSS from the first sample after warm-up. */
        public double rssDrift(double warmupSeconds) {
            return drift(warmupSeconds, Sample::rssBytes);
        }

        public double directDrift(double warmupSeconds) {
            return drift(warmupSeconds, Sample::directBytes);
        }

        private double drift(double warmupSeconds, java.util.function.ToLongFunction<Sample> f) {
            List<Sample> after = samples.stream().filter(s -> s.atSeconds() >= warmupSeconds).toList();
            if (after.isEmpty()) {
                return 0;
            }
            double base = Math.max(1, f.applyAsLong(after.get(0)));
            return after.stream().mapToDouble(s -> Math.abs(f.applyAsLong(s) - base) / base).max().orElse(0);
        }
    }

    private final int seconds;
    private final int clients;
    private final double speed;
    private final int sampleSeconds;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public Soak(int seconds, int clients, double speed, int sampleSeconds) {
        if (seconds < 1 || clients < 1 || speed <= 0 || sampleSeconds < 1) {
            throw new IllegalArgumentException("seconds, clients, speed and sample interval must be positive");
        }
        this.seconds = seconds;
        this.clients = clients;
        this.speed = speed;
        this.sampleSeconds = sampleSeconds;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 300;
        int clients = 4;
        double speed = 4;
        int every = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--speed" -> speed = Double.parseDouble(args[i + 1]);
                case "--sample" -> every = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --seconds N --clients N --speed X (times real time) --sample S");
            }
        }
        Report r = new Soak(seconds, clients, speed, every).run(true);
        double warmup = Math.min(60, seconds / 5.0);
        System.out.printf("sessions %d (dropped %d), segments answered %d, lost %d%n", r.sessions(), r.dropped(), r.answered(), r.lost());
        System.out.printf("after %.0f s warm-up: RSS within %.1f%%, direct memory within %.1f%% of the first sample%n",
                warmup, 100 * r.rssDrift(warmup), 100 * r.directDrift(warmup));
        System.out.printf("live tensors %d -> %d, open sessions after %d%n", r.tensorsBefore(), r.tensorsAfter(), r.openSessionsAfter());
        System.exit(r.lost() == 0 ? 0 : 1);
    }

    public Report run(boolean print) throws Exception {
        List<float[]> clips = new ArrayList<>();
        for (SpeechCorpus.Clip c : SpeechCorpus.load(TestData.speechDir())) {
            clips.add(WavReader.read(c.wav()).toMono16k());
        }
        ServerConfig config = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2).withIntraThreads(1)
                .withLimits(clients + 8, 1 << 20, 120, 64, 256);
        SttServer server = new SttServer(config, SttServer.defaultLoader(config)).start();
        List<Sample> samples = new ArrayList<>();
        long tensorsBefore;
        try {
            server.models().loaded().get(300, TimeUnit.SECONDS);
            if (!server.models().ready()) {
                throw new IllegalStateException("models failed: " + server.models().failure());
            }
            tensorsBefore = LiveTensors.live();
            String url = "ws://127.0.0.1:" + server.port() + "/";
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService callers = Executors.newFixedThreadPool(clients);
            for (int c = 0; c < clients; c++) {
                long seed = c;
                callers.submit(() -> {
                    Random r = new Random(seed);
                    HttpClient http = HttpClient.newHttpClient();
                    while (System.nanoTime() < end) {
                        try {
                            call(http, url, clips.get(r.nextInt(clips.size())), r.nextInt(10) == 0);
                        } catch (Exception e) {
                            if (print) {
                                System.err.println("caller " + seed + ": " + e);
                            }
                            lost.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            if (print) {
                System.out.println("t_s\trss_mib\tdirect_mib\theap_mib\ttensors\tsessions\tanswered\tlost");
            }
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(sampleSeconds), Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
                Sample s = sample((System.nanoTime() - start) / 1e9, server);
                samples.add(s);
                if (print) {
                    System.out.printf("%.0f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%d\t%d%n", s.atSeconds(), s.rssBytes() / 1048576.0,
                            s.directBytes() / 1048576.0, s.heapBytes() / 1048576.0, s.liveTensors(), s.openSessions(), s.answered(), s.lost());
                }
            }
            callers.shutdown();
            if (!callers.awaitTermination(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("callers did not finish");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (server.openSessions() > 0 || LiveTensors.live() != tensorsBefore)) {
                Thread.sleep(20);
            }
            return new Report(samples, answered.get(), lost.get(), sessions.get(), dropped.get(),
                    tensorsBefore, LiveTensors.live(), server.openSessions());
        } finally {
            server.shutdown();
        }
    }

    /** One caller session: stream a clip at {@code speed} times real time, commit, take every answer. */
    private void call(HttpClient http, String url, float[] clip, boolean drop) throws Exception {
        BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), new WholeTextMessages(text -> {
            try {
                in.add(Json.MAPPER.readTree(text));
            } catch (IOException e) {
                in.add(Json.object().put("type", "unparseable"));
            }
        })).get(60, TimeUnit.SECONDS);
        sessions.incrementAndGet();
        int chunk = 1_600;
        int until = drop ? clip.length / 2 : clip.length;
        long t0 = System.nanoTime();
        for (int at = 0; at < until; at += chunk) {
            String audio = Base64.getEncoder().encodeToString(Pcm16.encode(clip, at, Math.min(chunk, until - at)));
            ws.sendText("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}", true).join();
            long due = t0 + (long) ((at + chunk) / 16_000.0 / speed * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        if (drop) {
            dropped.incrementAndGet();
            ws.abort();
            return;
        }
        ws.sendText("{\"type\":\"input_audio_buffer.commit\"}", true).join();
        java.util.Set<Long> ids = new java.util.HashSet<>();
        long last = -1;
        while (last < 0 || ids.size() < last) {
            JsonNode m = in.poll(60, TimeUnit.SECONDS);
            if (m == null) {
                lost.addAndGet(last < 0 ? 1 : last - ids.size());
                break;
            }
            String type = m.path("type").asText();
            if (type.equals("input_audio_buffer.committed")) {
                last = m.path("last_segment_id").asLong();
            } else if (m.has("segment_id") && ids.add(m.path("segment_id").asLong())) {
                answered.incrementAndGet();
            }
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(60, TimeUnit.SECONDS);
    }

    private Sample sample(double at, SttServer server) throws IOException {
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        Runtime rt = Runtime.getRuntime();
        return new Sample(at, rss(), direct + Math.max(0, netty), rt.totalMemory() - rt.freeMemory(), LiveTensors.live(),
                server.openSessions(), answered.get(), lost.get());
    }

    /** Resident set size from /proc (Linux); -1 elsewhere. */
    static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
