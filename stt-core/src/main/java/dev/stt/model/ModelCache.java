package dev.stt.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's layout on disk and who may change it: {@code <root>/<model>/} per model, a lock file
 * {@code <root>/.<model>.lock}, and hidden {@code .<model>.partial-*} (staging) and {@code .<model>.old-*}
 * (replaced) folders that exist only while a model is being fetched. A model folder is swapped in whole,
 * so a reader never sees a half-written one.
 */
final class ModelCache {

    // the store's messages stay under one logger name, whichever part of it speaks
    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    // A FileLock guards against other processes only; two threads of this JVM asking for the same
    // model would get OverlappingFileLockException, so they queue on this lock first.
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** Work done while holding a model's lock. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws IOException;
    }

    /** What to do instead when the lock cannot be taken because the cache cannot be written. */
    @FunctionalInterface
    interface Unwritable<T> {
        T run(IOException why) throws IOException;
    }

    /** Fills a staging folder with a model's files. */
    @FunctionalInterface
    interface Staging {
        void fill(Path staging) throws IOException;
    }

    private final Path root;

    ModelCache(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path modelDir(String name) {
        return root.resolve(name);
    }

    /**
     * Runs {@code work} holding the model's lock against this JVM's other threads and against other
     * processes, after removing what an interrupted fetch left; one process fetches a model at a time,
     * the others wait and then find it cached.
     */
    <T> T underLock(String name, Locked<T> work, Unwritable<T> unwritable) throws IOException {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(modelDir(name).toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            FileChannel lockFile;
            try {
                Files.createDirectories(root);
                lockFile = FileChannel.open(root.resolve("." + name + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                return unwritable.run(e);
            }
            try (lockFile; FileLock ignored = lockFile.lock()) {
                removeLeftovers(name);
                return work.run();
            }
        } finally {
            local.unlock();
        }
    }

    /**
     * Builds the model's folder anew in a staging folder and swaps it in; nothing is kept when filling
     * it fails. Call under the model's lock.
     */
    Path replace(String name, Staging staging) throws IOException {
        Path partial = Files.createTempDirectory(root, "." + name + ".partial-");
        try {
            makeReadable(partial);
            staging.fill(partial);
            Path dir = modelDir(name);
            install(name, partial, dir);
            return dir;
        } finally {
            deleteTree(partial);
        }
    }

    /** Carries an intact cached file into the staging folder: a hard link where the file system allows. */
    static void keep(Path cached, Path staged) throws IOException {
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
