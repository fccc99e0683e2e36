package dev.stt.engine;

import java.io.IOException;

/**
 * Service-provider interface: one per engine family (moonshine, whisper), found with
 * {@link java.util.ServiceLoader} under {@code META-INF/services/dev.stt.engine.SttEngineProvider}.
 */
public interface SttEngineProvider {

    /** The engine family, e.g. {@code moonshine}; matches a model manifest's {@code engine} key. */
    String name();

    /** Whether this provider can run the named model (a manifest name or a local model folder). */
    boolean supports(String model);

    SttEngine open(EngineConfig config) throws IOException;
}
