package dev.stt.model;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The sha256 of every file of a cached model as it was when first downloaded, kept in
 * {@code <model>/.checksums}. For files whose manifest gives no sha256 (Hugging Face files that
 * change upstream) this is the reference later checks use: trust on first use.
 */
final class RecordedChecksums {

    static final String FILE_NAME = ".checksums";

    private RecordedChecksums() {
    }

    /** File name to sha256; empty when the folder has no record (or a record that cannot be read). */
    static Map<String, String> read(Path modelDir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(modelDir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        Map<String, String> sums = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> sums.put(k, p.getProperty(k).strip().toLowerCase(java.util.Locale.ROOT)));
        return sums;
    }

    static void write(Path modelDir, Map<String, String> sums) throws IOException {
        Path tmp = modelDir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("# sha256 of each file when it was first downloaded; the store checks the files against it\n");
            for (Map.Entry<String, String> e : new TreeMap<>(sums).entrySet()) {
                w.write(escape(e.getKey()) + "=" + e.getValue() + "\n");
            }
        }
        Files.move(tmp, modelDir.resolve(FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keys in a properties file must escape '=', ':', spaces and '#'. */
    private static String escape(String key) {
        StringBuilder b = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (c == '=' || c == ':' || c == ' ' || c == '#' || c == '!' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
