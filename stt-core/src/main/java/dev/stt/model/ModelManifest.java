package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What a named model is made of: the archives to download and the files to take from them, each
 * with its size and sha256. Read from a {@code .properties} file in {@code models/}.
 */
public record ModelManifest(String name, String engine, String description, String license,
                            Map<String, Source> sources, List<ModelFile> files) {

    /** A download: an archive ({@code .tgz}) or a single file. sha256 may be null when not known in advance. */
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

    public static ModelManifest read(Reader reader, String origin) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        String name = require(p, "name", origin);
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String id : keysBetween(p, "source.", ".url")) {
            String url = p.getProperty("source." + id + ".url");
            sources.put(id, new Source(id, URI.create(url),
                    Long.parseLong(p.getProperty("source." + id + ".size", "-1")),
                    p.getProperty("source." + id + ".sha256")));
        }
        List<ModelFile> files = new ArrayList<>();
        for (String f : keysBetween(p, "file.", ".source")) {
            String src = p.getProperty("file." + f + ".source");
            if (!sources.containsKey(src)) {
                throw new IOException(origin + ": file " + f + " names unknown source '" + src + "'");
            }
            files.add(new ModelFile(f, src, p.getProperty("file." + f + ".path"),
                    Long.parseLong(p.getProperty("file." + f + ".size", "-1")),
                    p.getProperty("file." + f + ".sha256")));
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
