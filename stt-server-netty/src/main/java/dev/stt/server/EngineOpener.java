package dev.stt.server;

import dev.stt.engine.SttEngine;

/** Opens the engine of one served model other than the default, when a request first asks for it. */
@FunctionalInterface
public interface EngineOpener {

    SttEngine open(String model) throws Exception;
}
