package dev.stt.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the scripts of the openai npm SDK harness (src/test/js/openai-sdk) and parses their JSON output. */
final class NodeHarness {

    static final Path DIR = Path.of("src/test/js/openai-sdk").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeHarness() {
    }

    /**
     * Skips (with the reason) when node is missing; installs the pinned harness with {@code npm ci} on
     * first use, so {@code ./mvnw verify} alone runs these tests on a fresh clone.
     */
    static synchronized void requireNode() {
        boolean node;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            node = false;
        }
        Assumptions.assumeTrue(node, "node is not on the PATH: the openai npm SDK tests need Node.js 20+ and `npm ci` in " + DIR);
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))) {
            install();
        }
    }

    private static void install() {
        try {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("`npm ci` in " + DIR + " failed: " + log);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run `npm ci` in " + DIR + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while installing the SDK harness", e);
        }
    }

    static JsonNode run(Map<String, String> env, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile());
        pb.environment().putAll(env);
        Path err = Files.createTempFile("node-stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish; stderr: " + stderr);
        }
        String stdout = new String(out, StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0 || stdout.isEmpty()) {
            throw new AssertionError(script + " " + args[0] + " exited " + p.exitValue() + "; stderr: " + stderr + "; stdout: " + stdout);
        }
        String last = stdout.substring(stdout.lastIndexOf('\n') + 1);
        return JSON.readTree(last);
    }
}
