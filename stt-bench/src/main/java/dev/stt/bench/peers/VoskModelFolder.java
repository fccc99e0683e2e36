package dev.stt.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The Vosk English model as a folder. Maven ships it inside an Android archive
 * ({@code com.alphacephei:vosk-model-en:aar}, a zip with {@code assets/model-en-us/}) that sits on the
 * classpath; Vosk's native code wants real files, so the assets are unpacked once into the model cache
 * ({@code STT_MODELS_DIR} or {@code ~/.cache/stt}) under a name carrying the model's uuid.
 */
final class VoskModelFolder {

    static final String ASSETS = "assets/model-en-us/";

    private VoskModelFolder() {
    }

    static Path ensure() throws IOException {
        URL marker = VoskModelFolder.class.getClassLoader().getResource(ASSETS + "uuid");
        if (marker == null) {
            throw new IOException("the Vosk model archive (com.alphacephei:vosk-model-en, type aar) is not on the classpath");
        }
        try (InputStream in = marker.openStream()) {
            String uuid = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
            Path target = cacheRoot().resolve("vosk-model-en-us-" + uuid);
            if (Files.isRegularFile(target.resolve("am/final.mdl"))) {
                return target;
            }
            unpack(marker, target);
            return target;
        }
    }

    private static Path cacheRoot() {
        String dir = System.getenv("STT_MODELS_DIR");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "stt");
    }

    /** Unpacks into a sibling temporary folder, then moves it into place, so a half-unpacked model is never used. */
    private static void unpack(URL marker, Path target) throws IOException {
        if (!(marker.openConnection() instanceof JarURLConnection conn)) {
            throw new IOException("the Vosk model assets are not inside an archive: " + marker);
        }
        conn.setUseCaches(false);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".part");
        try (JarFile aar = conn.getJarFile()) {
            Enumeration<JarEntry> entries = aar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(ASSETS)) {
                    continue;
                }
                Path out = tmp.resolve(e.getName().substring(ASSETS.length())).normalize();
                if (!out.startsWith(tmp)) {
                    throw new IOException("archive entry escapes the model folder: " + e.getName());
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = aar.getInputStream(e)) {
                    Files.copy(in, out);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                if (!Files.isRegularFile(target.resolve("am/final.mdl"))) {
                    throw e;
                }
                // another process unpacked it first
            }
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
