package dev.stt.cli;

import dev.stt.engine.Device;
import dev.stt.server.AccessPolicy;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import dev.stt.server.openai.OpenAiCompatibility;
import dev.stt.server.openai.OpenAiOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code stt serve}: runs the server until SIGTERM or Ctrl-C, then drains open segments. */
final class ServeCommand implements Subcommand {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "[--host H] [--port P] [--model M] [--device cpu|cuda|auto] [--workers N] [--threads N]   run the server";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Flags f = Flags.parse(args, Set.of("host", "port", "model", "device", "workers", "threads"), Set.of());
        if (!f.positional.isEmpty()) {
            throw new SttCommand.UsageException("unexpected argument '" + f.positional.get(0) + "'");
        }
        // one map for every setting: the process environment over .env, read once
        java.util.Map<String, String> env = ServerConfig.environment(Path.of(""), System.getenv());
        ServerConfig c = ServerConfig.fromEnvironment(env);
        c = c.withHost(f.get("host", c.host())).withPort(f.integer("port", c.port())).withModel(f.get("model", c.model()));
        if (f.has("device")) {
            c = c.withDevice(Device.parse(f.get("device", "auto")));
        }
        if (f.has("threads")) {
            c = c.withIntraThreads(f.integer("threads", c.intraThreads()));
        }
        if (f.has("workers")) {
            c = c.withWorkers(f.integer("workers", c.inferenceWorkers()));
        }
        SttServer server = OpenAiCompatibility.install(AccessPolicy.fromEnvironment(env).install(
                new SttServer(c, SttServer.defaultLoader(c))), OpenAiOptions.fromEnvironment(env)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulStop.onSignals(server::shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }, "stt-shutdown"));
        System.err.printf("stt: listening on ws://%s:%d/ (model %s loading in the background; GET /ready says when)%n",
                c.host(), server.port(), c.model());
        stopped.await();
        return 0;
    }
}
