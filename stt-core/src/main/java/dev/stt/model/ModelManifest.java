package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a named model is made of: the archives to download and the files to take from them, each
 * with its size and sha256. Read from a {@code .properties} file in {@code models/}.
 */
public record ModelManifest(String name, String engine, String description, String license,
                            Map<String, Source> sources, List<ModelFile> files) {

    /**
     * A download: an archive ({@code .tgz}) or a single file. {@code size} is -1 and {@code sha256}
     * null when not known in advance (then the store records the sha256 of the first download).
     */
    public record Source(String id, URI url, long size, String sha256) {
        public boolean isArchive() {
            String p = url.getPath();
            return p.endsWith(".tgz") || p.endsWith(".tar.gz");
        }
    }

    /**
     * A file of the model. {@code pathInSource} is the entry inside the archive (null when the source
     * is the file itself). {@code size} is -1 and {@code sha256} null when not known in advance.
     */
    public record ModelFile(String name, String source, String pathInSource, long size, String sha256) {
    }

    public long downloadSize() {
        return sources.values().stream().mapToLong(s -> Math.max(0, s.size())).sum();
    }

    /** Reads a manifest file that is not bundled, e.g. for {@code stt models pull ./my-model.properties}. */
    public static ModelManifest read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        }
    }

    /**
     * Parses a manifest. {@code origin} names it in error messages. Names are checked here because
     * they become paths in the cache: a model name is one folder, a file name stays inside it.
     */
    public static ModelManifest read(Reader reader, String origin) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        String name = require(p, "name", origin);
        if (!MODEL_NAME.matcher(name).matches()) {
            throw new IOException(origin + ": model name '" + name + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String id : keysBetween(p, "source.", ".url")) {
            URI url;
            try {
                url = URI.create(p.getProperty("source." + id + ".url").strip());
            } catch (IllegalArgumentException e) {
                throw new IOException(origin + ": source " + id + " has a bad url: " + e.getMessage());
            }
            if (url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http"))) {
                throw new IOException(origin + ": source " + id + " url must be http(s): " + url);
            }
            sources.put(id, new Source(id, url, size(p, "source." + id + ".size", origin),
                    sha(p, "source." + id + ".sha256", origin)));
        }
        List<ModelFile> files = new ArrayList<>();
        for (String f : keysBetween(p, "file.", ".source")) {
            String src = p.getProperty("file." + f + ".source");
            if (!sources.containsKey(src)) {
                throw new IOException(origin + ": file " + f + " names unknown source '" + src + "'");
            }
            if (!safeRelativePath(f)) {
                throw new IOException(origin + ": file name '" + f + "' must be a relative path without '..'");
            }
            String inSource = p.getProperty("file." + f + ".path");
            if (sources.get(src).isArchive() && (inSource == null || inSource.isBlank())) {
                throw new IOException(origin + ": file " + f + " comes from archive " + src + " but has no .path");
            }
            files.add(new ModelFile(f, src, inSource == null ? null : inSource.strip(),
                    size(p, "file." + f + ".size", origin), sha(p, "file." + f + ".sha256", origin)));
        }
        if (files.isEmpty()) {
            throw new IOException(origin + ": manifest lists no files");
        }
        return new ModelManifest(name, require(p, "engine", origin), p.getProperty("description", ""),
                p.getProperty("license", "unknown"), Map.copyOf(sources), List.copyOf(files));
    }

    /** The manifest shipped in the jar for {@code name}, or null when there is none. */
    public static ModelManifest bundled(String name) throws IOException {
        try (InputStream in = ModelManifest.class.getResourceAsStream("manifests/" + name + ".properties")) {
            if (in == null) {
                return null;
            }
            return read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), name + ".properties");
        }
    }

    /** Every manifest shipped in the jar, listed by {@code models/index.txt}. */
    public static List<ModelManifest> bundled() throws IOException {
        List<ModelManifest> all = new ArrayList<>();
        try (InputStream in = ModelManifest.class.getResourceAsStream("manifests/index.txt")) {
            if (in == null) {
                return all;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String n = line.strip();
                if (!n.isEmpty() && !n.startsWith("#")) {
                    ModelManifest m = bundled(n);
                    if (m == null) {
                        throw new IOException("models/index.txt names '" + n + "' but " + n + ".properties is missing");
                    }
                    all.add(m);
                }
            }
        }
        return all;
    }

    private static final Pattern MODEL_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private static boolean safeRelativePath(String f) {
        if (f.isBlank() || f.startsWith("/") || f.contains("\\")) {
            return false;
        }
        for (String part : f.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static long size(Properties p, String key, String origin) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException(origin + ": " + key + " must be a byte count, not '" + v + "'");
        }
    }

    private static String sha(Properties p, String key, String origin) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!SHA256.matcher(v.strip()).matches()) {
            throw new IOException(origin + ": " + key + " must be 64 hex digits, not '" + v + "'");
        }
        return v.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static String require(Properties p, String key, String origin) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IOException(origin + ": missing '" + key + "'");
        }
        return v.strip();
    }

    private static TreeSet<String> keysBetween(Properties p, String prefix, String suffix) {
        TreeSet<String> ids = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(prefix) && k.endsWith(suffix) && k.length() > prefix.length() + suffix.length()) {
                ids.add(k.substring(prefix.length(), k.length() - suffix.length()));
            }
        }
        return ids;
    }
}
