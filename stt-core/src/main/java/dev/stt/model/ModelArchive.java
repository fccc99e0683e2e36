package dev.stt.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** A downloaded {@code .tar.gz} source: takes out the files a manifest wants from it, and nothing else. */
final class ModelArchive {

    private ModelArchive() {
    }

    /** Writes each wanted file under its manifest name in {@code into}; fails when the archive lacks one. */
    static void unpack(Path archive, List<ModelManifest.ModelFile> wanted, Path into) throws IOException {
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
            throw new IOException("cannot unpack the archive: " + ModelStoreMessages.describe(e), e);
        }
        if (!byPath.isEmpty()) {
            throw new IOException("the archive lacks " + String.join(", ", new TreeSet<>(byPath.keySet())));
        }
    }
}
