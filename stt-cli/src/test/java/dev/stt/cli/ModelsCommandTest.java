package dev.stt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.stt.model.ModelManifest;
import dev.stt.model.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stt models list|pull} run in-process against a store in a temp dir and a local HTTP server. */
class ModelsCommandTest {

    private static final byte[] WEIGHTS = new byte[300_000];

    static {
        new Random(7).nextBytes(WEIGHTS);
    }

    @TempDir
    Path cache;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private ModelManifest manifest;
    private String manifestText;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        byte[] archive = tgz("package/model.onnx", WEIGHTS);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/pkg.tgz", ex -> {
            requests.incrementAndGet();
            try (ex) {
                ex.sendResponseHeaders(200, archive.length);
                ex.getResponseBody().write(archive);
            }
        });
        server.start();
        manifestText = """
                name=test-model
                engine=moonshine
                description=a model served by the test
                source.pkg.url=http://127.0.0.1:%d/pkg.tgz
                source.pkg.size=%d
                source.pkg.sha256=%s
                file.model.onnx.source=pkg
                file.model.onnx.path=package/model.onnx
                file.model.onnx.size=%d
                file.model.onnx.sha256=%s
                """.formatted(server.getAddress().getPort(), archive.length, sha256(archive), WEIGHTS.length, sha256(WEIGHTS));
        manifest = ModelManifest.read(new StringReader(manifestText), "test");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(boolean terminal, String... args) throws Exception {
        out.reset();
        err.reset();
        ModelsCommand cmd = new ModelsCommand(() -> new ModelStore(cache).withManifests(List.of(manifest)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
        return cmd.run(List.of(args));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsBundledAndGivenModelsAndWhetherTheyAreCached() throws Exception {
        assertEquals(0, run(false, "list"));
        assertTrue(out().matches("(?s).*test-model +moonshine +no .*"), out());
        assertTrue(out().contains("moonshine-tiny") && out().contains("silero-vad"), out());
        assertTrue(out().contains("cache: " + cache), out());

        assertEquals(0, run(false, "pull", "test-model"));
        assertEquals(0, run(false, "list"));
        assertTrue(out().matches("(?s).*test-model +moonshine +yes .*"), out());
    }

    @Test
    void pullDownloadsWithProgressLinesThenServesTheCacheWithTheServerStopped() throws Exception {
        assertEquals(0, run(false, "pull", "test-model"));
        assertTrue(out().contains("test-model: " + cache.resolve("test-model") + " (downloaded"), out());
        assertTrue(err().contains("downloading test-model (pkg)"), err());
        assertTrue(err().contains("100%"), err());
        assertTrue(!err().contains("\r"), "no bar drawn when stderr is not a terminal");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(cache.resolve("test-model/model.onnx")));

        server.stop(0);
        assertEquals(0, run(false, "pull", "test-model"));
        assertEquals("test-model: " + cache.resolve("test-model") + " (cached)", out().strip());
        assertEquals("", err());
        assertEquals(1, requests.get());
    }

    @Test
    void pullOnATerminalDrawsABarInPlace() throws Exception {
        assertEquals(0, run(true, "pull", "test-model"));
        assertTrue(err().contains("\rtest-model (pkg) ["), err());
        assertTrue(err().contains("100%"), err());
        assertTrue(err().endsWith(System.lineSeparator()), "the bar's line is ended");
    }

    @Test
    void pullTakesAManifestFile() throws Exception {
        Path file = cache.resolve("custom.properties");
        Files.writeString(file, manifestText.replace("name=test-model", "name=custom-model"));

        assertEquals(0, run(false, "pull", file.toString()));

        assertArrayEquals(WEIGHTS, Files.readAllBytes(cache.resolve("custom-model/model.onnx")));
    }

    @Test
    void oneFailedModelDoesNotStopTheOthersButFailsTheCommand() throws Exception {
        assertEquals(1, run(false, "pull", "no-such-model", "test-model"));
        assertTrue(err().contains("unknown model 'no-such-model'"), err());
        assertTrue(out().contains("test-model: "), out());
    }

    @Test
    void pullWithTheServerDownNamesTheModelTheCacheAndTheCommand() throws Exception {
        server.stop(0);
        assertEquals(1, run(false, "pull", "test-model"));
        assertTrue(err().contains("model 'test-model' is not in the cache (" + cache.resolve("test-model") + ")"), err());
        assertTrue(err().contains("stt models pull test-model"), err());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThrows(SttCommand.UsageException.class, () -> run(false));
        assertThrows(SttCommand.UsageException.class, () -> run(false, "pull"));
        assertThrows(SttCommand.UsageException.class, () -> run(false, "fetch", "x"));
    }

    private static byte[] tgz(String path, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry(path);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
