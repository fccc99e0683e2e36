package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk cache of models: {@code ~/.cache/stt} (or {@code STT_MODELS_DIR}), one folder per
 * model holding its files under their manifest names. A model folder appears only once every file
 * in it has passed its checksum, so a partial or corrupt download is never used: files are fetched
 * into a hidden staging folder that is moved into place in one step.
 *
 * <p>Every file is checked on each {@link #ensure}: against the manifest's sha256, or, where the
 * manifest has none, against the sha256 recorded at the first download ({@code <model>/.checksums}).
 * A file that fails is fetched again. Instances are immutable; the {@code with...} methods copy.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    public static final String DIR_ENV = "STT_MODELS_DIR";
    public static final String OFFLINE_ENV = "STT_OFFLINE";
    /** Seconds a download may wait for data before it fails as stalled. */
    public static final String STALL_TIMEOUT_ENV = "STT_DOWNLOAD_TIMEOUT";
    /** Long enough for a slow mirror to answer, short enough that a dead one is noticed. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    // A FileLock guards against other processes only; two threads of this JVM asking for the same
    // model would get OverlappingFileLockException, so they queue on this lock first.
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private static final String NOT_DOWNLOADED = "not downloaded";

    private final Path root;
    private final boolean offline;
    private final DownloadProgress progress;
    private final Duration stallTimeout;
    private final Map<String, ModelManifest> extraManifests;
    private final Map<String, String> environment;
    private volatile HttpClient http;

    /** A store at {@code root}, online, logging its progress, with the default stall timeout. */
    public ModelStore(Path root) {
        this(root, false, DownloadProgress.LOG, DEFAULT_STALL_TIMEOUT, Map.of(), System.getenv());
    }

    private ModelStore(Path root, boolean offline, DownloadProgress progress, Duration stallTimeout,
                       Map<String, ModelManifest> extraManifests, Map<String, String> environment) {
        this.root = Objects.requireNonNull(root, "root");
        this.offline = offline;
        this.progress = Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive, got " + stallTimeout);
        }
        this.stallTimeout = stallTimeout;
        this.extraManifests = Map.copyOf(extraManifests);
        this.environment = Map.copyOf(environment);
    }

    /**
     * {@code STT_MODELS_DIR} or {@code ~/.cache/stt}; {@code STT_OFFLINE=1} forbids downloads;
     * {@code STT_DOWNLOAD_TIMEOUT} seconds without data fail a download; proxies from
     * {@code https_proxy}/{@code http_proxy}/{@code no_proxy}.
     */
    public static ModelStore fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process's. */
    public static ModelStore fromEnvironment(Map<String, String> env) {
        String dir = env.get(DIR_ENV);
        Path root = dir != null && !dir.isBlank()
                ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "stt");
        String off = env.get(OFFLINE_ENV);
        boolean offline = off != null && (off.strip().equals("1") || off.strip().equalsIgnoreCase("true"));
        Duration stall = DEFAULT_STALL_TIMEOUT;
        String t = env.get(STALL_TIMEOUT_ENV);
        if (t != null && !t.isBlank()) {
            try {
                stall = Duration.ofSeconds(Long.parseLong(t.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(STALL_TIMEOUT_ENV + " must be a number of seconds, not '" + t + "'");
            }
            if (stall.isNegative() || stall.isZero()) {
                throw new IllegalArgumentException(STALL_TIMEOUT_ENV + " must be positive, not '" + t + "'");
            }
        }
        return new ModelStore(root, offline, DownloadProgress.LOG, stall, Map.of(), env);
    }

    public ModelStore withProgress(DownloadProgress progress) {
        return new ModelStore(root, offline, progress, stallTimeout, extraManifests, environment);
    }

    /** An offline store serves what is cached and never downloads. */
    public ModelStore offline(boolean offline) {
        return new ModelStore(root, offline, progress, stallTimeout, extraManifests, environment);
    }

    /** Gives up on a download when one read waits this long for data (or the response headers do). */
    public ModelStore withStallTimeout(Duration stallTimeout) {
        return new ModelStore(root, offline, progress, stallTimeout, extraManifests, environment);
    }

    /** Knows these manifests by name too, before the bundled ones (a local mirror, a private model). */
    public ModelStore withManifests(Collection<ModelManifest> manifests) {
        Map<String, ModelManifest> all = new LinkedHashMap<>(extraManifests);
        manifests.forEach(m -> all.put(m.name(), m));
        return new ModelStore(root, offline, progress, stallTimeout, all, environment);
    }

    public Path root() {
        return root;
    }

    public boolean isOffline() {
        return offline;
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** The manifests given to {@link #withManifests}, then the bundled ones not shadowed by them. */
    public List<ModelManifest> available() throws IOException {
        Map<String, ModelManifest> all = new LinkedHashMap<>(extraManifests);
        for (ModelManifest m : ModelManifest.bundled()) {
            all.putIfAbsent(m.name(), m);
        }
        return List.copyOf(all.values());
    }

    public ModelManifest manifest(String name) throws IOException {
        ModelManifest m = extraManifests.get(name);
        if (m == null) {
            m = ModelManifest.bundled(name);
        }
        if (m == null) {
            List<String> known = available().stream().map(ModelManifest::name).toList();
            throw new IOException("unknown model '" + name + "' (known: " + String.join(", ", known)
                    + "; or give a model folder)");
        }
        return m;
    }

    public Path modelDir(String name) {
        return root.resolve(name);
    }

    /** Whether the model is in the cache with every file intact. */
    public boolean isCached(ModelManifest m) throws IOException {
        return damage(m).isEmpty();
    }

    /**
     * A model given by the user: an existing folder holding the model's files (used as it is), or
     * the name of a model to {@link #ensure}. Something that looks like a path but is not a folder
     * is an error rather than a model name.
     */
    public Path resolve(String nameOrPath) throws IOException {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        String s = nameOrPath.strip();
        if (s.isEmpty()) {
            throw new IOException("no model given (a model name, or a folder holding a model's files)");
        }
        if (s.equals("~") || s.startsWith("~/")) {
            s = System.getProperty("user.home") + s.substring(1);
        }
        boolean pathLike = s.contains("/") || s.contains("\\") || s.startsWith(".");
        Path p = Path.of(s);
        // A folder in the working directory that happens to share a model's name does not shadow the model.
        if (Files.isDirectory(p) && (pathLike || (extraManifests.get(s) == null && ModelManifest.bundled(s) == null))) {
            return p.toAbsolutePath();
        }
        if (pathLike) {
            throw new IOException("model folder " + p.toAbsolutePath() + " does not exist");
        }
        return ensure(s);
    }

    /** The folder holding the named model's files, downloading them first if they are not cached. */
    public Path ensure(String name) throws IOException {
        return ensure(manifest(name));
    }

    /** As {@link #ensure(String)} for a manifest that need not be bundled. */
    public Path ensure(ModelManifest m) throws IOException {
        Path dir = modelDir(m.name());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            FileChannel lockFile;
            try {
                Files.createDirectories(root);
                lockFile = FileChannel.open(root.resolve("." + m.name() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                // A read-only cache (a mounted volume) can still serve what it holds.
                List<String> damage = damage(m);
                if (damage.isEmpty()) {
                    return dir;
                }
                throw new IOException(notServable(m, damage, "the cache cannot be written (" + describe(e) + ")"), e);
            }
            // One process fetches a model at a time; others wait on the lock, then find it cached.
            try (lockFile; FileLock ignored = lockFile.lock()) {
                removeLeftovers(m.name());
                List<String> damage = damage(m);
                if (damage.isEmpty()) {
                    recordFirstSight(m, dir);
                    return dir;
                }
                if (offline) {
                    throw new IOException(notServable(m, damage, "downloads are off (" + OFFLINE_ENV + "=1)"));
                }
                if (Files.exists(dir)) {
                    log.warn("cached model {} is damaged ({}); fetching it again", m.name(), String.join("; ", damage));
                }
                return fetch(m, RecordedChecksums.read(dir));
            }
        } finally {
            local.unlock();
        }
    }

    /** What is wrong with the cached copy of {@code m}; empty when every file is intact. */
    private List<String> damage(ModelManifest m) throws IOException {
        if (!Files.isDirectory(modelDir(m.name()))) {
            return List.of(NOT_DOWNLOADED);
        }
        return List.copyOf(damagedFiles(m).values());
    }

    /** File name to what is wrong with it, for each damaged file of the cached copy of {@code m}. */
    private Map<String, String> damagedFiles(ModelManifest m) throws IOException {
        Path dir = modelDir(m.name());
        Map<String, String> damage = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            m.files().forEach(f -> damage.put(f.name(), NOT_DOWNLOADED));
            return damage;
        }
        Map<String, String> recorded = RecordedChecksums.read(dir);
        for (ModelManifest.ModelFile f : m.files()) {
            Path p = dir.resolve(f.name());
            if (!Files.isRegularFile(p)) {
                damage.put(f.name(), f.name() + " is missing");
                continue;
            }
            if (f.size() >= 0 && Files.size(p) != f.size()) {
                damage.put(f.name(), f.name() + " has " + Files.size(p) + " bytes, expected " + f.size());
                continue;
            }
            String expected = f.sha256() != null ? f.sha256() : recorded.get(f.name());
            if (expected != null && !expected.equalsIgnoreCase(sha256(p))) {
                damage.put(f.name(), f.name() + " fails its checksum");
            }
        }
        return damage;
    }

    /** A folder put in the cache by hand has no record yet: its files are trusted as first seen. */
    private void recordFirstSight(ModelManifest m, Path dir) throws IOException {
        Map<String, String> recorded = RecordedChecksums.read(dir);
        if (m.files().stream().allMatch(f -> recorded.containsKey(f.name()))) {
            return;
        }
        Map<String, String> sums = new TreeMap<>(recorded);
        for (ModelManifest.ModelFile f : m.files()) {
            if (!sums.containsKey(f.name())) {
                sums.put(f.name(), f.sha256() != null ? f.sha256() : sha256(dir.resolve(f.name())));
            }
        }
        try {
            RecordedChecksums.write(dir, sums);
        } catch (IOException e) {
            log.debug("cannot record checksums in {}: {}", dir, describe(e));
        }
    }

    private String notServable(ModelManifest m, List<String> damage, String why) {
        Path dir = modelDir(m.name());
        String state = damage.equals(List.of(NOT_DOWNLOADED))
                ? "is not in the cache (" + dir + ")"
                : "is damaged in the cache (" + dir + ": " + String.join("; ", damage) + ")";
        return "model '" + m.name() + "' " + state + " and " + why + "; run 'stt models pull " + m.name()
                + "' where the network is reachable, or copy the model folder to " + dir;
    }

    private Path fetch(ModelManifest m, Map<String, String> recorded) throws IOException {
        Map<String, String> damaged = damagedFiles(m);
        Path staging = Files.createTempDirectory(root, "." + m.name() + ".partial-");
        try {
            makeReadable(staging);
            for (ModelManifest.Source s : m.sources().values()) {
                List<ModelManifest.ModelFile> wanted = m.files().stream().filter(f -> f.source().equals(s.id())).toList();
                if (wanted.isEmpty()) {
                    continue;
                }
                // A model of several large downloads (Whisper from Hugging Face) re-fetches only what broke.
                if (wanted.stream().noneMatch(f -> damaged.containsKey(f.name()))) {
                    for (ModelManifest.ModelFile f : wanted) {
                        keep(modelDir(m.name()).resolve(f.name()), staging.resolve(f.name()));
                    }
                    continue;
                }
                Path download = staging.resolve(".download-" + s.id());
                try {
                    download(m, s, download);
                    if (s.isArchive()) {
                        unpack(download, wanted, staging);
                    } else {
                        for (ModelManifest.ModelFile f : wanted) {
                            Path to = staging.resolve(f.name());
                            Files.createDirectories(to.getParent());
                            Files.copy(download, to, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                } catch (IOException e) {
                    throw new IOException(notServable(m, damage(m), "fetching it failed: " + s.url() + ": "
                            + describe(e) + " (nothing was kept)"), e);
                } finally {
                    Files.deleteIfExists(download);
                }
            }
            Map<String, String> sums = new TreeMap<>();
            for (ModelManifest.ModelFile f : m.files()) {
                sums.put(f.name(), verify(m, f, staging.resolve(f.name()), recorded.get(f.name())));
            }
            RecordedChecksums.write(staging, sums);
            Path dir = modelDir(m.name());
            install(m.name(), staging, dir);
            log.info("model {} ready in {}", m.name(), dir);
            return dir;
        } finally {
            deleteTree(staging);
        }
    }

    /** Checks a fetched file; returns its sha256 for the record. */
    private String verify(ModelManifest m, ModelManifest.ModelFile f, Path p, String recorded) throws IOException {
        String what = "file " + f.name() + " of model '" + m.name() + "'";
        if (!Files.isRegularFile(p)) {
            throw new IOException(what + " is missing after the download");
        }
        if (f.size() >= 0 && Files.size(p) != f.size()) {
            throw new IOException(what + " has " + Files.size(p) + " bytes, the manifest says " + f.size());
        }
        String got = sha256(p);
        if (f.sha256() != null && !f.sha256().equalsIgnoreCase(got)) {
            throw new IOException(what + " has sha256 " + got + ", the manifest says " + f.sha256());
        }
        if (f.sha256() == null && recorded != null && !recorded.equalsIgnoreCase(got)) {
            throw new IOException(what + " has sha256 " + got + " but its first download had " + recorded
                    + " (recorded in " + modelDir(m.name()).resolve(RecordedChecksums.FILE_NAME)
                    + "); the file changed upstream or the download is corrupt. Delete "
                    + modelDir(m.name()) + " to trust the new file");
        }
        return got;
    }

    /** Carries an intact cached file into the staging folder: a hard link where the file system allows. */
    private static void keep(Path cached, Path staged) throws IOException {
        Files.createDirectories(staged.getParent());
        try {
            Files.createLink(staged, cached);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(cached, staged, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Swaps the staged folder in; a reader never sees a half-written model folder. */
    private void install(String name, Path staging, Path dir) throws IOException {
        Path old = null;
        if (Files.exists(dir)) {
            old = root.resolve("." + name + ".old-" + Long.toHexString(System.nanoTime()));
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Staging and replaced folders left by a process that died mid-fetch; safe to drop under the lock. */
    private void removeLeftovers(String name) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root,
                "." + name + ".{partial,old}-*")) {
            for (Path p : ds) {
                log.info("removing {} left by an interrupted download", p);
                deleteTree(p);
            }
        }
    }

    private void download(ModelManifest m, ModelManifest.Source s, Path to) throws IOException {
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
            MessageDigest md = sha256Digest();
            long got = 0;
            try (OutputStream out = Files.newOutputStream(to)) {
                byte[] buf = new byte[1 << 16];
                int n;
                progress.update(m.name(), s.id(), 0, total);
                while ((n = readSome(body, buf, got, total)) >= 0) {
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

    /** HttpClient reports a connection dropped mid-body as just "closed"; say how far it got. */
    private static int readSome(InputStream body, byte[] buf, long got, long total) throws IOException {
        try {
            return body.read(buf);
        } catch (IOException e) {
            if (e instanceof InactivityTimeoutInputStream.StalledException) {
                throw e;
            }
            throw new IOException("connection dropped after " + got + (total >= 0 ? " of " + total : "")
                    + " bytes (" + describe(e) + ")", e);
        }
    }

    private static void unpack(Path archive, List<ModelManifest.ModelFile> wanted, Path into) throws IOException {
        Map<String, ModelManifest.ModelFile> byPath = new HashMap<>();
        wanted.forEach(f -> byPath.put(f.pathInSource(), f));
        try (InputStream raw = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
            TarArchiveEntry e;
            while (!byPath.isEmpty() && (e = tar.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                // The output name comes from the manifest, never from the archive, so entries cannot escape.
                ModelManifest.ModelFile f = byPath.remove(e.getName());
                if (f != null) {
                    Path to = into.resolve(f.name());
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot unpack the archive: " + describe(e), e);
        }
        if (!byPath.isEmpty()) {
            throw new IOException("the archive lacks " + String.join(", ", new java.util.TreeSet<>(byPath.keySet())));
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

    /** HttpClient's exceptions often carry no message; say what kind of failure it was. */
    static String describe(Throwable e) {
        if (e instanceof InactivityTimeoutInputStream.StalledException) {
            return e.getMessage();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within the stall timeout";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage() + " (no network or DNS?)";
        }
        if (e instanceof ConnectException) {
            return "cannot connect" + (e.getMessage() != null ? " (" + e.getMessage() + ")" : "")
                    + " (no network, or a proxy is needed: https_proxy)";
        }
        String msg = e.getMessage();
        Throwable cause = e.getCause() != e ? e.getCause() : null;
        if (msg == null || msg.isBlank()) {
            return cause != null ? describe(cause) : e.getClass().getSimpleName();
        }
        if (cause != null && cause.getMessage() != null && !msg.contains(cause.getMessage())) {
            return msg + ": " + describe(cause);
        }
        return msg;
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

    /** createTempDirectory makes the folder private (0700); a model folder is as readable as any cache file. */
    private static void makeReadable(Path dir) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (posix != null) {
            posix.setPermissions(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
