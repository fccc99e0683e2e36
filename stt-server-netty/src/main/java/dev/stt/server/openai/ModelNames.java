package dev.stt.server.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which model names a request may ask for: the models this server runs, and OpenAI's own names as aliases
 * of the default, so a client written for OpenAI works unchanged. Any other name is refused with
 * {@code model_not_found} rather than silently answered by another model.
 */
public final class ModelNames {

    /** OpenAI's transcription model names, each taken to mean "the server's default model". */
    public static final List<String> OPENAI_NAMES = List.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
            "gpt-4o-transcribe-latest", "gpt-4o-mini-transcribe-latest", "gpt-realtime", "gpt-4o-realtime-preview",
            "gpt-4o-mini-realtime-preview");

    private final List<String> served;
    private final Map<String, String> aliases;

    /**
     * @param served  the models run here, the default first
     * @param aliases alias → served model ({@code STT_MODEL_ALIASES}); OpenAI's names map to the default unless given
     */
    public ModelNames(List<String> served, Map<String, String> aliases) {
        if (served.isEmpty()) {
            throw new IllegalArgumentException("at least one model must be served");
        }
        this.served = List.copyOf(served);
        Map<String, String> all = new LinkedHashMap<>();
        OPENAI_NAMES.forEach(n -> all.put(n, served.get(0)));
        aliases.forEach((a, m) -> {
            if (!served.contains(m)) {
                throw new IllegalArgumentException("STT_MODEL_ALIASES maps '" + a + "' to '" + m + "', which is not served (" + served + ")");
            }
            all.put(a.toLowerCase(Locale.ROOT), m);
        });
        this.aliases = Map.copyOf(all);
    }

    public static ModelNames of(String model) {
        return new ModelNames(List.of(model), Map.of());
    }

    /**
     * Parses {@code STT_MODEL_ALIASES}: {@code alias=model,alias=model}.
     *
     * @throws IllegalArgumentException naming the variable and the bad entry
     */
    public static Map<String, String> parseAliases(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String entry : spec.split(",")) {
            String[] kv = entry.strip().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("STT_MODEL_ALIASES must be alias=model[,alias=model...], got '" + entry.strip() + "'");
            }
            out.put(kv[0].strip(), kv[1].strip());
        }
        return out;
    }

    /** The served model a request's name means, or null when it names none. */
    public String resolve(String name) {
        if (served.contains(name)) {
            return name;
        }
        return aliases.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean serves(String name) {
        return resolve(name) != null;
    }

    public List<String> served() {
        return served;
    }

    /** For error messages: "moonshine-tiny (and OpenAI's names whisper-1, ... for it)". */
    public String describe() {
        return String.join(", ", served) + " (and the aliases " + String.join(", ", aliases.keySet().stream().sorted().toList()) + ")";
    }
}
