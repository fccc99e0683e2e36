package dev.stt.bench;

import dev.stt.bench.load.Door;
import dev.stt.bench.load.LoadStep;
import dev.stt.bench.load.StepReport;
import dev.stt.engine.Device;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Load on the real server over loopback: by default it starts {@link SttServer} in this JVM (CPU,
 * 127.0.0.1, a free port; {@code --threads} intra-op threads per transcription, {@code --workers}
 * parallel transcriptions, the server's defaults otherwise), or targets a running one with
 * {@code --url}. N callers each stream real speech at real-time pace (100 ms
 * chunks, original protocol) with silence between clips, for N = 1, 4, 8, 16, 32, 64 in turn; each step
 * lasts a bounded time. Reports end-of-speech → final transcript latency (raw, and less the VAD's
 * silence window that any VAD server must wait out), errors, server RSS and direct memory, and the
 * largest N whose p95 stays under the limit.
 *
 * <pre>java -cp ... dev.stt.bench.LoadDriver [--threads 1] [--workers N] [--model moonshine-tiny]
 *     [--url ws://127.0.0.1:8000/ [--server-pid PID]] [--clients 1,4,8,16,32,64] [--step-seconds 30] [--grace-seconds 15] [--chunk-ms 100]
 *     [--silence-ms 1500] [--vad-silence-ms 500] [--p95-limit-ms 1000] [--speech DIR] [--early-decode on|off]</pre>
 *
 * <p>{@code --door original|realtime|both} picks the protocol the callers speak: the original door
 * ({@code /}, the default), the Realtime door ({@code /v1/realtime}: GA {@code session.update}, 24 kHz pcm16
 * appends, server VAD), or both, one step each per client count (original first) on the same server and
 * clips. {@code --interim-ms MS} sets the in-process server's {@code STT_INTERIM_MS} (the Realtime door's
 * interim decode cadence; default: the environment's, else 500; 0 = off).
 *
 * <p>{@code --early-decode off} runs the in-process server without early decoding (the baseline it is
 * compared with): each segment is then transcribed only once the VAD has closed it.
 */
public final class LoadDriver {

    private LoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Set.of("url", "server-pid", "threads", "workers", "model", "clients", "step-seconds", "grace-seconds", "chunk-ms",
                "silence-ms", "vad-silence-ms", "p95-limit-ms", "speech", "early-decode", "door", "interim-ms"),
                "LoadDriver [--threads N] [--workers N] [--model NAME] [--url ws://127.0.0.1:PORT/ [--server-pid PID]] [--clients 1,4,8] [--step-seconds S] [--grace-seconds S] "
                        + "[--chunk-ms MS] [--silence-ms MS] [--vad-silence-ms MS] [--p95-limit-ms MS] [--speech DIR] [--early-decode on|off] [--door original|realtime|both] [--interim-ms MS]");
        List<Door> doors = Door.parse(a.string("door", "original"));
        String url = a.string("url", null);
        List<Integer> steps = new ArrayList<>();
        for (String n : a.string("clients", "1,4,8,16,32,64").split(",")) {
            int clients = Integer.parseInt(n.trim());
            if (clients < 1 || clients > 1024) {
                throw new IllegalArgumentException("client counts must be in [1, 1024], got " + clients);
            }
            steps.add(clients);
        }
        double limitMs = a.positiveInt("p95-limit-ms", 1000);
        List<BenchClip> clips = BenchClip.load(a.string("speech", null));

        SttServer server = null;
        URI uri;
        int vadSilenceMs = a.nonNegativeInt("vad-silence-ms", 500);
        String serverPid = a.string("server-pid", null);
        if (url != null) {
            uri = loopbackOnly(URI.create(url));
        } else {
            int threads = a.positiveInt("threads", 1);
            int workers = a.positiveInt("workers", Math.max(1, Runtime.getRuntime().availableProcessors() / threads));
            ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withDevice(Device.CPU)
                    .withModel(a.string("model", "moonshine-tiny")).withIntraThreads(threads).withWorkers(workers);
            String early = a.string("early-decode", "on");
            if (!early.equals("on") && !early.equals("off")) {
                throw new IllegalArgumentException("--early-decode is on or off, got " + early);
            }
            String interimEnv = a.string("interim-ms", System.getenv().getOrDefault("STT_INTERIM_MS", ""));
            dev.stt.server.openai.OpenAiOptions openAi = dev.stt.server.openai.OpenAiOptions.fromEnvironment(
                    java.util.Map.of("STT_INTERIM_MS", interimEnv));
            server = dev.stt.server.openai.OpenAiCompatibility.install(
                    new SttServer(c, SttServer.defaultLoader(c)).earlyDecode(early.equals("on")), openAi).start();
            server.models().loaded().get(300, java.util.concurrent.TimeUnit.SECONDS);
            uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            vadSilenceMs = c.vad().silenceDurationMs();
            serverPid = null;
            System.out.printf("server in-process: %s, %d worker(s) x %d intra thread(s), VAD silence %d ms, early decode %s, "
                            + "Realtime interim every %d ms, %d cores%n",
                    c.model(), workers, threads, vadSilenceMs, early, openAi.interimIntervalMs(), Runtime.getRuntime().availableProcessors());
        }
        LoadStep.Settings settings = new LoadStep.Settings(
                a.positiveInt("step-seconds", 30), a.positiveInt("grace-seconds", 15), a.positiveInt("chunk-ms", 100),
                a.positiveInt("silence-ms", 1500), vadSilenceMs, serverPid, idleProbe(server));

        System.out.println("load average before: " + loadAverage() + " (other processes share these cores)");
        try {
            System.out.println("doors: " + doors.stream().map(Door::label).toList());
            run(uri, doors, clips, steps, settings, limitMs);
            if (server != null) {
                System.out.printf("early decodes in the server: %d started, %d answered their segment%n",
                        dev.stt.session.TranscriptionSession.earlyDecodesStarted(), dev.stt.session.TranscriptionSession.earlyDecodesUsed());
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static void run(URI uri, List<Door> doors, List<BenchClip> clips, List<Integer> steps, LoadStep.Settings settings,
                            double limitMs) throws Exception {
        List<StepReport> reports = LoadStep.runAll(uri, doors, clips, steps, settings, limitMs, report -> {
            System.out.println(report.row());
            System.out.println("  load average after the step: " + loadAverage() + " at " + java.time.Instant.now());
            if (report.firstError() != null) {
                System.out.println("  first error: " + report.firstError());
            }
            System.out.flush();
        }, System.out);
        System.out.println(StepReport.summary(reports, limitMs));
        System.out.println("load average at the end: " + loadAverage());
    }

    private static java.util.function.BooleanSupplier idleProbe(SttServer server) {
        if (server == null) {
            return null;
        }
        return () -> server.inference().queued() == 0 && server.inference().active() == 0;
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Load goes to this machine only. */
    static URI loopbackOnly(URI uri) throws java.net.UnknownHostException {
        if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url must be ws://HOST:PORT/PATH, got " + uri);
        }
        for (InetAddress addr : InetAddress.getAllByName(uri.getHost())) {
            if (!addr.isLoopbackAddress()) {
                throw new IllegalArgumentException("the load driver only targets loopback addresses; " + uri.getHost() + " is " + addr);
            }
        }
        return uri;
    }
}
