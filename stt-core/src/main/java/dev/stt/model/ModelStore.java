package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk cache of models: {@code ~/.cache/stt} (or {@code STT_MODELS_DIR}), one folder per
 * model holding its files under their manifest names. A model folder appears only once every file
 * in it has passed its checksum, so a partial or corrupt download is never used.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    public static final String DIR_ENV = "STT_MODELS_DIR";
    public static final String OFFLINE_ENV = "STT_OFFLINE";

    private final Path root;
    private final boolean offline;
    private final DownloadProgress progress;
    private final Duration timeout;
    private volatile HttpClient http;

    public ModelStore(Path root) {
        this(root, false, DownloadProgress.LOG, Duration.ofMinutes(10));
    }

    private ModelStore(Path root, boolean offline, DownloadProgress progress, Duration timeout) {
        this.root = Objects.requireNonNull(root, "root");
        this.offline = offline;
        this.progress = Objects.requireNonNull(progress, "progress");
        this.timeout = timeout;
    }

    /** {@code STT_MODELS_DIR} or {@code ~/.cache/stt}; {@code STT_OFFLINE=1} forbids downloads. */
    public static ModelStore fromEnvironment() {
        String dir = System.getenv(DIR_ENV);
        Path root = dir != null && !dir.isBlank()
                ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "stt");
        String off = System.getenv(OFFLINE_ENV);
        boolean offline = off != null && (off.equals("1") || off.equalsIgnoreCase("true"));
        return new ModelStore(root, offline, DownloadProgress.LOG, Duration.ofMinutes(10));
    }

    public ModelStore withProgress(DownloadProgress progress) {
        return new ModelStore(root, offline, progress, timeout);
    }

    public ModelStore offline(boolean offline) {
        return new ModelStore(root, offline, progress, timeout);
    }

    /** Gives up on a download that stalls for this long between two reads. */
    public ModelStore withTimeout(Duration timeout) {
        return new ModelStore(root, offline, progress, timeout);
    }

    public Path root() {
        return root;
    }

    public List<ModelManifest> available() throws IOException {
        return ModelManifest.bundled();
    }

    public ModelManifest manifest(String name) throws IOException {
        ModelManifest m = ModelManifest.bundled(name);
        if (m == null) {
            List<String> known = available().stream().map(ModelManifest::name).toList();
            throw new IOException("unknown model '" + name + "' (known: " + String.join(", ", known) + ")");
        }
        return m;
    }

    public Path modelDir(String name) {
        return root.resolve(name);
    }

    /** Whether the model is in the cache with every file intact. */
    public boolean isCached(ModelManifest m) throws IOException {
        Path dir = modelDir(m.name());
        for (ModelManifest.ModelFile f : m.files()) {
            Path p = dir.resolve(f.name());
            if (!Files.isRegularFile(p) || (f.size() >= 0 && Files.size(p) != f.size())) {
                return false;
            }
            if (f.sha256() != null && !f.sha256().equalsIgnoreCase(sha256(p))) {
                log.warn("cached {} fails its checksum; it will be fetched again", p);
                return false;
            }
        }
        return true;
    }

    /** The folder holding the named model's files, downloading them first if they are not cached. */
    public Path ensure(String name) throws IOException {
        return ensure(manifest(name));
    }

    public Path ensure(ModelManifest m) throws IOException {
        Files.createDirectories(root);
        // One process fetches a model at a time; others wait on the lock, then find it cached.
        try (FileChannel lockFile = FileChannel.open(root.resolve("." + m.name() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (isCached(m)) {
                return modelDir(m.name());
            }
            if (offline) {
                throw new IOException("model '" + m.name() + "' is not in the cache at " + modelDir(m.name())
                        + " and downloads are off (" + OFFLINE_ENV + "); run 'stt models pull " + m.name()
                        + "' on a machine with network access");
            }
            return fetch(m);
        }
    }

    private Path fetch(ModelManifest m) throws IOException {
        Path staging = Files.createTempDirectory(root, "." + m.name() + ".partial-");
        try {
            for (ModelManifest.Source s : m.sources().values()) {
                Path download = staging.resolve(".download-" + s.id());
                try {
                    download(m, s, download);
                } catch (IOException e) {
                    throw new IOException("model '" + m.name() + "' is not cached and could not be downloaded from "
                            + s.url() + ": " + e.getMessage(), e);
                }
                List<ModelManifest.ModelFile> wanted = m.files().stream().filter(f -> f.source().equals(s.id())).toList();
                if (s.isArchive()) {
                    unpack(download, wanted, staging);
                } else {
                    for (ModelManifest.ModelFile f : wanted) {
                        Files.copy(download, staging.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.delete(download);
            }
            for (ModelManifest.ModelFile f : m.files()) {
                verify(staging.resolve(f.name()), f.size(), f.sha256(), "file " + f.name() + " of " + m.name());
            }
            Path dir = modelDir(m.name());
            deleteTree(dir);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            log.info("model {} ready in {}", m.name(), dir);
            return dir;
        } finally {
            deleteTree(staging);
        }
    }

    private void download(ModelManifest m, ModelManifest.Source s, Path to) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(s.url()).timeout(timeout).GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try (InputStream body = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new IOException("HTTP " + resp.statusCode());
            }
            long total = s.size() >= 0 ? s.size() : resp.headers().firstValueAsLong("content-length").orElse(-1);
            MessageDigest md = sha256Digest();
            long got = 0;
            try (OutputStream out = Files.newOutputStream(to)) {
                byte[] buf = new byte[1 << 16];
                int n;
                progress.update(m.name(), s.id(), 0, total);
                while ((n = body.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    md.update(buf, 0, n);
                    got += n;
                    progress.update(m.name(), s.id(), got, total);
                }
            }
            if (s.size() >= 0 && got != s.size()) {
                throw new IOException("got " + got + " bytes, expected " + s.size() + " (truncated download)");
            }
            String sum = HexFormat.of().formatHex(md.digest());
            if (s.sha256() != null && !s.sha256().equalsIgnoreCase(sum)) {
                throw new IOException("sha256 " + sum + " does not match the manifest's " + s.sha256() + " (corrupt download)");
            }
            progress.done(m.name(), s.id(), got);
        }
    }

    private static void unpack(Path archive, List<ModelManifest.ModelFile> wanted, Path into) throws IOException {
        Map<String, ModelManifest.ModelFile> byPath = new java.util.HashMap<>();
        wanted.forEach(f -> byPath.put(f.pathInSource(), f));
        try (InputStream raw = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null && !byPath.isEmpty()) {
                ModelManifest.ModelFile f = byPath.remove(e.getName());
                if (f != null && e.isFile()) {
                    Files.copy(tar, into.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot unpack " + archive.getFileName() + ": " + e.getMessage(), e);
        }
        if (!byPath.isEmpty()) {
            throw new IOException("archive lacks " + byPath.keySet());
        }
    }

    private static void verify(Path p, long size, String sha256, String what) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(what + " is missing");
        }
        if (size >= 0 && Files.size(p) != size) {
            throw new IOException(what + " has " + Files.size(p) + " bytes, expected " + size);
        }
        if (sha256 != null) {
            String got = sha256(p);
            if (!sha256.equalsIgnoreCase(got)) {
                throw new IOException(what + " has sha256 " + got + ", expected " + sha256);
            }
        }
    }

    public static String sha256(Path p) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .connectTimeout(Duration.ofSeconds(30))
                            .proxy(proxyFromEnvironment())
                            .build();
                }
                c = http;
            }
        }
        return c;
    }

    /** Honours {@code https_proxy}/{@code HTTPS_PROXY} as curl and pip do; Java's own properties otherwise. */
    static ProxySelector proxyFromEnvironment() {
        for (String var : new String[] {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                URI u = URI.create(v.contains("://") ? v : "http://" + v);
                return ProxySelector.of(new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 80));
            }
        }
        return ProxySelector.getDefault();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
