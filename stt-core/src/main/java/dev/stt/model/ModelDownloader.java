package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * Fetches one source of a model over HTTP into a file, checking its size and sha256 as it streams: a
 * read that waits {@code stallTimeout} for data fails ({@link InactivityTimeoutInputStream}), proxies
 * come from the environment ({@link EnvironmentProxySelector}), and progress goes to a
 * {@link DownloadProgress}. One per store; the HTTP client is made on the first download.
 */
final class ModelDownloader {

    private final DownloadProgress progress;
    private final Duration stallTimeout;
    private final Map<String, String> environment;
    private volatile HttpClient http;

    ModelDownloader(DownloadProgress progress, Duration stallTimeout, Map<String, String> environment) {
        this.progress = progress;
        this.stallTimeout = stallTimeout;
        this.environment = environment;
    }

    /** Writes source {@code s} of model {@code model} to {@code to}; fails on a short or corrupt body. */
    void download(String model, ModelManifest.Source s, Path to) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(s.url())
                .timeout(stallTimeout)
                .header("User-Agent", "stt-model-store")
                .GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = new InactivityTimeoutInputStream(resp.body(), stallTimeout)) {
            if (resp.statusCode() != 200) {
                throw new IOException("HTTP " + resp.statusCode());
            }
            long total = s.size() >= 0 ? s.size() : resp.headers().firstValueAsLong("content-length").orElse(-1);
            MessageDigest md = ModelChecksums.sha256Digest();
            long got = 0;
            try (OutputStream out = Files.newOutputStream(to)) {
                byte[] buf = new byte[1 << 16];
                int n;
                progress.update(model, s.id(), 0, total);
                while ((n = readSome(body, buf, got, total)) >= 0) {
                    out.write(buf, 0, n);
                    md.update(buf, 0, n);
                    got += n;
                    progress.update(model, s.id(), got, total);
                }
            }
            if (s.size() >= 0 && got != s.size()) {
                throw new IOException("got " + got + " bytes, expected " + s.size() + " (truncated download)");
            }
            String sum = HexFormat.of().formatHex(md.digest());
            if (s.sha256() != null && !s.sha256().equalsIgnoreCase(sum)) {
                throw new IOException("sha256 " + sum + " does not match the manifest's " + s.sha256() + " (corrupt download)");
            }
            progress.done(model, s.id(), got);
        }
    }

    /** HttpClient reports a connection dropped mid-body as just "closed"; say how far it got. */
    private static int readSome(InputStream body, byte[] buf, long got, long total) throws IOException {
        try {
            return body.read(buf);
        } catch (IOException e) {
            if (e instanceof InactivityTimeoutInputStream.StalledException) {
                throw e;
            }
            throw new IOException("connection dropped after " + got + (total >= 0 ? " of " + total : "")
                    + " bytes (" + ModelStoreMessages.describe(e) + ")", e);
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .connectTimeout(stallTimeout.compareTo(Duration.ofSeconds(30)) < 0 ? stallTimeout : Duration.ofSeconds(30))
                            .proxy(EnvironmentProxySelector.from(environment))
                            .build();
                }
                c = http;
            }
        }
        return c;
    }
}
