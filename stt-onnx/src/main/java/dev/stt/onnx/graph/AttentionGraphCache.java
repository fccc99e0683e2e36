package dev.stt.onnx.graph;

import dev.stt.onnx.proto.OnnxProto.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attention-exposing copy of a decoder ({@link AttentionGraph}), made once and kept on disk: the
 * downloaded file stays as it was (its checksum still verifies), and the edited one lives in a
 * {@code .derived} folder beside it, named by the source's sha256, so a new download makes a new copy and
 * an old copy can never stand in for a changed model. Beside the copy, {@code <copy>.sha256} holds the
 * copy's own checksum: a copy that does not match it (a crash mid-write, a disk error, a hand edit) is made
 * again. Where the model folder is read-only the copy goes to the temporary directory instead.
 */
public final class AttentionGraphCache {

    private static final Logger log = LoggerFactory.getLogger(AttentionGraphCache.class);

    static final String FOLDER = ".derived";
    static final String SUFFIX = ".cross-attention.onnx";

    /** How many times this process edited a graph (tests check that a cached copy is reused, not redone). */
    private static final AtomicInteger EDITS = new AtomicInteger();

    private AttentionGraphCache() {
    }

    public static int edits() {
        return EDITS.get();
    }

    /** The attention-exposing copy of {@code source}, made now unless a sound one is already cached. */
    public static Path ensure(Path source) throws IOException {
        String sha = sha256(source);
        Path beside = source.toAbsolutePath().getParent().resolve(FOLDER);
        try {
            return ensureIn(source, sha, beside);
        } catch (AttentionGraph.NoCrossAttentionException e) {
            throw e;
        } catch (IOException e) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "stt-derived");
            log.debug("cannot keep the edited graph beside {} ({}); using {}", source, e.getMessage(), tmp);
            return ensureIn(source, sha, tmp);
        }
    }

    /** Where the copy of a source with checksum {@code sha} lives in {@code folder}. */
    static Path copyPath(Path source, String sha, Path folder) {
        String stem = source.getFileName().toString().replaceFirst("\\.onnx$", "");
        return folder.resolve(stem + "." + sha.substring(0, 16) + SUFFIX);
    }

    private static synchronized Path ensureIn(Path source, String sha, Path folder) throws IOException {
        Path copy = copyPath(source, sha, folder);
        Path checksum = copy.resolveSibling(copy.getFileName() + ".sha256");
        if (Files.isRegularFile(copy) && Files.isRegularFile(checksum)) {
            String recorded = Files.readString(checksum, StandardCharsets.US_ASCII).strip();
            if (recorded.equals(sha256(copy))) {
                return copy;
            }
            log.warn("the cached edited graph {} does not match its checksum; making it again", copy);
        }
        long t0 = System.nanoTime();
        ModelProto edited = AttentionGraph.withCrossAttentionOutputs(AttentionGraph.read(source));
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, copy.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                edited.writeTo(out);
            }
            String editedSha = sha256(tmp);
            move(tmp, copy);
            Files.writeString(checksum, editedSha + "\n", StandardCharsets.US_ASCII);
        } finally {
            Files.deleteIfExists(tmp);
        }
        EDITS.incrementAndGet();
        log.info("exposed the cross-attention of {} in {} ({} ms)", source.getFileName(), copy,
                (System.nanoTime() - t0) / 1_000_000);
        return copy;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
