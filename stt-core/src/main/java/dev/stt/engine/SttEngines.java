package dev.stt.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the engine provider for a model and opens it: the one entry point most embedders need. */
public final class SttEngines {

    private SttEngines() {
    }

    /** Opens the named model with default settings, downloading it into the model cache if needed. */
    public static SttEngine open(String model) throws IOException {
        return open(EngineConfig.builder(model).build());
    }

    public static SttEngine open(EngineConfig config) throws IOException {
        return provider(config.model()).open(config);
    }

    public static SttEngineProvider provider(String model) {
        List<String> known = new ArrayList<>();
        for (SttEngineProvider p : ServiceLoader.load(SttEngineProvider.class)) {
            if (p.supports(model)) {
                return p;
            }
            known.add(p.name());
        }
        throw new IllegalArgumentException(
                "no engine can run model '" + model + "' (engines on the classpath: " + known + ")");
    }

    public static List<SttEngineProvider> providers() {
        List<SttEngineProvider> all = new ArrayList<>();
        ServiceLoader.load(SttEngineProvider.class).forEach(all::add);
        return all;
    }
}
