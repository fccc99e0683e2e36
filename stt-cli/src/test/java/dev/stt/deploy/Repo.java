package dev.stt.deploy;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, and the server defaults the deployment files must agree with. */
final class Repo {

    /** The server's documented defaults (README: 0.0.0.0:8000; drain 30 s), used until ServerConfig is on the classpath. */
    private static final int DOCUMENTED_PORT = 8000;
    private static final int DOCUMENTED_DRAIN_SECONDS = 30;

    private Repo() {
    }

    static Path dir() {
        String p = System.getProperty("stt.repo.dir");
        Path dir = p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(dir.resolve("pom.xml")) || !Files.isDirectory(dir.resolve("stt-cli"))) {
            throw new IllegalStateException("cannot find the repository root (tried " + dir + "); set -Dstt.repo.dir");
        }
        return dir;
    }

    static int defaultPort() {
        return serverDefault("port", DOCUMENTED_PORT);
    }

    static int defaultDrainSeconds() {
        return serverDefault("drainSeconds", DOCUMENTED_DRAIN_SECONDS);
    }

    /** Reads {@code ServerConfig.defaults()} when the server module has it, so the files track the code. */
    private static int serverDefault(String accessor, int documented) {
        try {
            Class<?> c = Class.forName("dev.stt.server.ServerConfig");
            Object defaults = c.getMethod("defaults").invoke(null);
            Method m = c.getMethod(accessor);
            return (Integer) m.invoke(defaults);
        } catch (ClassNotFoundException e) {
            return documented;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("ServerConfig." + accessor + "() cannot be read: " + e, e);
        }
    }
}
