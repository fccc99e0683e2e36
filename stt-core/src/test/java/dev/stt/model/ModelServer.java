package dev.stt.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A real HTTP server on 127.0.0.1 that serves model downloads the way the internet does: whole,
 * cut short, stalled, or not at all. Paths not served answer 404.
 */
final class ModelServer implements AutoCloseable {

    private enum Mode { WHOLE, CLOSE_EARLY, STALL, STALL_BEFORE_HEADERS }

    private record Route(byte[] body, Mode mode, int sendBytes) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "model-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Stalled responses wait on this until the server closes. */
    private final CountDownLatch release = new CountDownLatch(1);
    private boolean stopped;

    ModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Serves {@code body} whole. */
    ModelServer serve(String path, byte[] body) {
        routes.put(path, new Route(body, Mode.WHOLE, body.length));
        return this;
    }

    /** Announces the whole length, sends {@code sendBytes}, then drops the connection. */
    ModelServer serveCutShort(String path, byte[] body, int sendBytes) {
        routes.put(path, new Route(body, Mode.CLOSE_EARLY, sendBytes));
        return this;
    }

    /** Announces the whole length, sends {@code sendBytes}, then sends nothing more until closed. */
    ModelServer serveStalling(String path, byte[] body, int sendBytes) {
        routes.put(path, new Route(body, Mode.STALL, sendBytes));
        return this;
    }

    /** Accepts the request and never answers it. */
    ModelServer serveNoHeaders(String path) {
        routes.put(path, new Route(new byte[0], Mode.STALL_BEFORE_HEADERS, 0));
        return this;
    }

    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    int totalRequests() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        Route r = routes.get(path);
        try (ex) {
            if (r == null) {
                byte[] msg = "not found".getBytes();
                ex.sendResponseHeaders(404, msg.length);
                ex.getResponseBody().write(msg);
                return;
            }
            if (r.mode() == Mode.STALL_BEFORE_HEADERS) {
                awaitRelease();
                return;
            }
            ex.sendResponseHeaders(200, r.body().length);
            OutputStream out = ex.getResponseBody();
            out.write(r.body(), 0, r.sendBytes());
            out.flush();
            switch (r.mode()) {
                case STALL -> awaitRelease();
                // Closing with bytes missing makes the server drop the connection, as a broken link does.
                case CLOSE_EARLY, WHOLE, STALL_BEFORE_HEADERS -> { }
            }
        } catch (IOException e) {
            // expected for CLOSE_EARLY ("insufficient bytes written") and when a client gives up
        }
    }

    private void awaitRelease() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            release.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** A gzip'd tar holding {@code entries} (path to content), as npm tarballs are. */
    static byte[] tgz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
