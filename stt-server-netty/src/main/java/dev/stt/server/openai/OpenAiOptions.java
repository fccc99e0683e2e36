package dev.stt.server.openai;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of the OpenAI-compatible doors.
 *
 * @param apiKey           bearer token every door requires ({@code STT_API_KEY}); null = no authentication
 * @param tlsCert          PEM certificate chain ({@code STT_TLS_CERT}); with {@code tlsKey} the server speaks only TLS
 * @param tlsKey           PEM PKCS#8 private key ({@code STT_TLS_KEY})
 * @param interimIntervalMs least audio between interim decodes of an open segment ({@code STT_INTERIM_MS}, 500); 0 = off
 * @param modelAliases     extra request model names ({@code STT_MODEL_ALIASES}: {@code alias=model,...}); OpenAI's
 *                         own names always mean the server's default model
 */
public record OpenAiOptions(String apiKey, Path tlsCert, Path tlsKey, int interimIntervalMs, Map<String, String> modelAliases) {

    public static final OpenAiOptions DEFAULTS = new OpenAiOptions(null, null, null, 500, Map.of());

    public OpenAiOptions(String apiKey, Path tlsCert, Path tlsKey, int interimIntervalMs) {
        this(apiKey, tlsCert, tlsKey, interimIntervalMs, Map.of());
    }

    public OpenAiOptions {
        if (apiKey != null && apiKey.isBlank()) {
            apiKey = null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("STT_TLS_CERT and STT_TLS_KEY must be set together (got only "
                    + (tlsCert != null ? "STT_TLS_CERT" : "STT_TLS_KEY") + ")");
        }
        if (tlsCert != null && (!Files.isReadable(tlsCert) || !Files.isReadable(tlsKey))) {
            throw new IllegalArgumentException("TLS files not readable: STT_TLS_CERT=" + tlsCert + ", STT_TLS_KEY=" + tlsKey);
        }
        modelAliases = Map.copyOf(modelAliases);
        if (interimIntervalMs < 0) {
            throw new IllegalArgumentException("STT_INTERIM_MS must be >= 0, got " + interimIntervalMs);
        }
    }

    public static OpenAiOptions fromEnvironment(Map<String, String> env) {
        String cert = env.get("STT_TLS_CERT");
        String key = env.get("STT_TLS_KEY");
        String interim = env.get("STT_INTERIM_MS");
        int interimMs;
        try {
            interimMs = interim == null || interim.isBlank() ? DEFAULTS.interimIntervalMs() : Integer.parseInt(interim.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("STT_INTERIM_MS must be an integer, got '" + interim + "'");
        }
        return new OpenAiOptions(env.get("STT_API_KEY"),
                cert == null || cert.isBlank() ? null : Path.of(cert),
                key == null || key.isBlank() ? null : Path.of(key), interimMs, ModelNames.parseAliases(env.get("STT_MODEL_ALIASES")));
    }

    /** The names a request may give for {@code model}, the server's own model being the default. */
    public ModelNames modelNames(String model) {
        return modelNames(java.util.List.of(model));
    }

    /** The names a request may give for {@code model}: every served model (the default first) and the aliases. */
    public ModelNames modelNames(java.util.List<String> served) {
        return new ModelNames(served, modelAliases);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public OpenAiOptions withApiKey(String key) {
        return new OpenAiOptions(key, tlsCert, tlsKey, interimIntervalMs, modelAliases);
    }

    public OpenAiOptions withTls(Path cert, Path key) {
        return new OpenAiOptions(apiKey, cert, key, interimIntervalMs, modelAliases);
    }

    public OpenAiOptions withInterimIntervalMs(int ms) {
        return new OpenAiOptions(apiKey, tlsCert, tlsKey, ms, modelAliases);
    }
}
