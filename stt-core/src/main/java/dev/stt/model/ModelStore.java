package dev.stt.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 *
 * <p>The parts: {@link ModelCache} (layout and locking), {@link ModelDownloader} (HTTP),
 * {@link ModelArchive} (tar.gz), {@link ModelChecksums} (verification) and {@link ModelStoreMessages}
 * (what a user is told); this class decides which of them runs when.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    public static final String DIR_ENV = "STT_MODELS_DIR";
    public static final String OFFLINE_ENV = "STT_OFFLINE";
    /** Seconds a download may wait for data before it fails as stalled. */
    public static final String STALL_TIMEOUT_ENV = "STT_DOWNLOAD_TIMEOUT";
    /** Long enough for a slow mirror to answer, short enough that a dead one is noticed. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final boolean offline;
    private final DownloadProgress progress;
    private final Duration stallTimeout;
    private final Map<String, ModelManifest> extraManifests;
    private final Map<String, String> environment;
    private final ModelCache cache;
    private final ModelDownloader downloader;

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
        this.cache = new ModelCache(root);
        this.downloader = new ModelDownloader(progress, stallTimeout, this.environment);
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
            throw new IOException(ModelStoreMessages.unknownModel(name, known));
        }
        return m;
    }

    public Path modelDir(String name) {
        return cache.modelDir(name);
    }

    /** Whether the model is in the cache with every file intact. */
    public boolean isCached(ModelManifest m) throws IOException {
        return ModelChecksums.damage(m, modelDir(m.name())).isEmpty();
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
        return cache.underLock(m.name(), () -> {
            List<String> damage = ModelChecksums.damage(m, dir);
            if (damage.isEmpty()) {
                ModelChecksums.recordFirstSight(m, dir);
                return dir;
            }
            if (offline) {
                throw new IOException(ModelStoreMessages.notServable(m, dir, damage, "downloads are off (" + OFFLINE_ENV + "=1)"));
            }
            if (Files.exists(dir)) {
                log.warn("cached model {} is damaged ({}); fetching it again", m.name(), String.join("; ", damage));
            }
            return fetch(m, RecordedChecksums.read(dir));
        }, unwritable -> {
            // A read-only cache (a mounted volume) can still serve what it holds.
            List<String> damage = ModelChecksums.damage(m, dir);
            if (damage.isEmpty()) {
                return dir;
            }
            throw new IOException(ModelStoreMessages.notServable(m, dir, damage,
                    "the cache cannot be written (" + ModelStoreMessages.describe(unwritable) + ")"), unwritable);
        });
    }

    private Path fetch(ModelManifest m, Map<String, String> recorded) throws IOException {
        Path dir = modelDir(m.name());
        Map<String, String> damaged = ModelChecksums.damagedFiles(m, dir);
        cache.replace(m.name(), staging -> {
            for (ModelManifest.Source s : m.sources().values()) {
                List<ModelManifest.ModelFile> wanted = m.files().stream().filter(f -> f.source().equals(s.id())).toList();
                if (wanted.isEmpty()) {
                    continue;
                }
                // A model of several large downloads (Whisper from Hugging Face) re-fetches only what broke.
                if (wanted.stream().noneMatch(f -> damaged.containsKey(f.name()))) {
                    for (ModelManifest.ModelFile f : wanted) {
                        ModelCache.keep(dir.resolve(f.name()), staging.resolve(f.name()));
                    }
                    continue;
                }
                fetchSource(m, s, wanted, staging);
            }
            Map<String, String> sums = new TreeMap<>();
            for (ModelManifest.ModelFile f : m.files()) {
                sums.put(f.name(), ModelChecksums.verify(m, f, staging.resolve(f.name()), recorded.get(f.name()), dir));
            }
            RecordedChecksums.write(staging, sums);
        });
        log.info("model {} ready in {}", m.name(), dir);
        return dir;
    }

    /** Downloads one source into the staging folder: unpacked when it is an archive, copied when a file. */
    private void fetchSource(ModelManifest m, ModelManifest.Source s, List<ModelManifest.ModelFile> wanted, Path staging)
            throws IOException {
        Path download = staging.resolve(".download-" + s.id());
        try {
            downloader.download(m.name(), s, download);
            if (s.isArchive()) {
                ModelArchive.unpack(download, wanted, staging);
            } else {
                for (ModelManifest.ModelFile f : wanted) {
                    Path to = staging.resolve(f.name());
                    Files.createDirectories(to.getParent());
                    Files.copy(download, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new IOException(ModelStoreMessages.notServable(m, modelDir(m.name()), ModelChecksums.damage(m, modelDir(m.name())),
                    "fetching it failed: " + s.url() + ": " + ModelStoreMessages.describe(e) + " (nothing was kept)"), e);
        } finally {
            Files.deleteIfExists(download);
        }
    }

    public static String sha256(Path p) throws IOException {
        return ModelChecksums.sha256(p);
    }
}
