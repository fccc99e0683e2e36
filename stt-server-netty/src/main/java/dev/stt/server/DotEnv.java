package dev.stt.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The process environment overlaid on a {@code .env} file in the working directory, as the original
 * service read its {@code HOST} and {@code PORT}: real environment variables win over the file.
 */
public final class DotEnv {

    private DotEnv() {
    }

    public static Map<String, String> load(Path file, Map<String, String> environment) throws IOException {
        Map<String, String> merged = new HashMap<>();
        if (Files.isRegularFile(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("export ")) {
                    l = l.substring(7).strip();
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new IOException(file + " line " + n + ": expected KEY=VALUE");
                }
                String value = l.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                } else {
                    int hash = value.indexOf(" #");
                    if (hash >= 0) {
                        value = value.substring(0, hash).strip();
                    }
                }
                merged.put(l.substring(0, eq).strip(), value);
            }
        }
        merged.putAll(environment);
        return merged;
    }
}
