package dev.stt.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An engine family whose models are named {@code <family>-*} in the model store or given as a local
 * export folder. Every engine resolves its model the same way, through {@link dev.stt.model.ModelStore#resolve}:
 * a folder is used as it is, a name is found in (or fetched into) the store. A family says only how to
 * recognise its exports and how to open one.
 */
public abstract class ModelFamilyProvider implements SttEngineProvider {

    private final String family;

    /** @param family the engine family, also the prefix of its model names ({@code whisper} for {@code whisper-tiny}) */
    protected ModelFamilyProvider(String family) {
        this.family = family;
    }

    @Override
    public final String name() {
        return family;
    }

    @Override
    public final boolean supports(String model) {
        return model.startsWith(family + "-") || isExport(Path.of(model));
    }

    @Override
    public final SttEngine open(EngineConfig config) throws IOException {
        return open(config.model(), config.store().resolve(config.model()), config);
    }

    /** Whether {@code dir} holds a model export of this family (it may not exist at all). */
    protected abstract boolean isExport(Path dir);

    /**
     * @param model the name or folder the user gave, for messages and metrics
     * @param dir   the folder holding the model's files
     */
    protected abstract SttEngine open(String model, Path dir, EngineConfig config) throws IOException;
}
