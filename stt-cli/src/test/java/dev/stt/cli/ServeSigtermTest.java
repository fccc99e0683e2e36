package dev.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.WavReader;
import dev.stt.eval.TestData;
import dev.stt.eval.TextNormalizer;
import dev.stt.model.ModelStore;
import dev.stt.testkit.WsTestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code stt serve} as a process an orchestrator stops: SIGTERM drains the open segment, then the JVM exits. */
class ServeSigtermTest {

    /**
     * {@code stt serve} as its own process: SIGTERM (what Docker and
     * Kubernetes send) runs the drain, the client's open segment is answered, and the process exits.
     */
    @Test
    void serveAnswersTheOpenSegmentAndExitsOnSigterm() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.stt.cli.SttCommand", "serve", "--host", "127.0.0.1", "--port", "0", "--device", "cpu",
                "--workers", "1", "--threads", "1").redirectErrorStream(true);
        // a developer's .env or STT_* settings must not change what this test starts
        // (the model store's own settings stay: they say where the models are)
        pb.environment().keySet().removeIf(k -> k.startsWith("STT_") && !k.equals(ModelStore.DIR_ENV)
                && !k.equals(ModelStore.OFFLINE_ENV) && !k.equals(ModelStore.STALL_TIMEOUT_ENV));
        pb.directory(Path.of(System.getProperty("java.io.tmpdir")).toFile());
        Process p = pb.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> portFound = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern listening = Pattern.compile("listening on ws://[^:]+:(\\d+)/");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        portFound.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process is gone; what was read is in output
            }
            portFound.completeExceptionally(new AssertionError("stt serve never said where it listens: " + output));
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int port = portFound.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WsTestClient.TIMEOUT_S);
            while (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                assertTrue(System.nanoTime() < deadline, "models never loaded: " + output);
                Thread.sleep(100);
            }
            try (WsTestClient c = WsTestClient.connect("ws://127.0.0.1:" + port + "/")) {
                c.stream(Arrays.copyOf(WavReader.read(TestData.jfkWav()).toMono16k(), 16_000 * 7 / 2), 16_000, 100);
                c.send("{}");
                c.expect("error");
                // SIGTERM; Process.destroy() would also close our end of the output pipe and lose the drain's log
                assertTrue(p.toHandle().destroy(), "SIGTERM could not be sent");

                JsonNode done = c.poll(WsTestClient.TIMEOUT_S);
                assertNotNull(done, "no answer after SIGTERM; stt serve said:\n" + String.join("\n", output));
                if (done.path("type").asText().equals("input_audio_buffer.committed")) {
                    JsonNode ack = done;
                    done = c.poll(WsTestClient.TIMEOUT_S);
                    assertNotNull(done, "acknowledged " + ack + " but no answer; closed " + c.closeStatus
                            + "; stt serve said:\n" + String.join("\n", output));
                }
                assertEquals("response.audio_transcript.done", done.path("type").asText(), done.toString());
                assertTrue(TextNormalizer.normalize(done.path("transcript").asText()).contains("fellow americans"), done.toString());
                assertEquals(1001, c.closeStatus.get(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS), "going away");
            }
            assertTrue(p.waitFor(WsTestClient.TIMEOUT_S, TimeUnit.SECONDS), "stt serve did not exit after SIGTERM: " + output);
            reader.join(5_000);
            // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and ended as a signalled process does
            assertEquals(143, p.exitValue(), String.join("\n", output));
            String log = String.join("\n", output);
            assertTrue(log.contains("shutting down: draining 1 sessions"), "no drain log line: " + log);
            assertTrue(log.contains("stopped"), "the drain did not finish: " + log);
            assertFalse(log.contains("SIGSEGV") || log.contains("hs_err"), "the JVM crashed on the way out: " + log);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
