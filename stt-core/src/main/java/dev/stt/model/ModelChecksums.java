package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a model's files are the ones its manifest names: each file's size and sha256 against the
 * manifest, or, where the manifest has no sha256, against the one {@link RecordedChecksums} kept from
 * the first download (trust on first use).
 */
final class ModelChecksums {

    // the store's messages stay under one logger name, whichever part of it speaks
    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private ModelChecksums() {
    }

    /** What is wrong with the copy of {@code m} in {@code dir}; empty when every file is intact. */
    static List<String> damage(ModelManifest m, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of(ModelStoreMessages.NOT_DOWNLOADED);
        }
        return List.copyOf(damagedFiles(m, dir).values());
    }

    /** File name to what is wrong with it, for each damaged file of the copy of {@code m} in {@code dir}. */
    static Map<String, String> damagedFiles(ModelManifest m, Path dir) throws IOException {
        Map<String, String> damage = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            m.files().forEach(f -> damage.put(f.name(), ModelStoreMessages.NOT_DOWNLOADED));
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
    static void recordFirstSight(ModelManifest m, Path dir) throws IOException {
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
            log.debug("cannot record checksums in {}: {}", dir, ModelStoreMessages.describe(e));
        }
    }

    /**
     * Checks a fetched file {@code p} of {@code m}, whose cached folder is {@code modelDir}; returns its
     * sha256 for the record.
     *
     * @param recorded the sha256 of its first download, or null
     */
    static String verify(ModelManifest m, ModelManifest.ModelFile f, Path p, String recorded, Path modelDir) throws IOException {
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
                    + " (recorded in " + modelDir.resolve(RecordedChecksums.FILE_NAME)
                    + "); the file changed upstream or the download is corrupt. Delete "
                    + modelDir + " to trust the new file");
        }
        return got;
    }

    static String sha256(Path p) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
