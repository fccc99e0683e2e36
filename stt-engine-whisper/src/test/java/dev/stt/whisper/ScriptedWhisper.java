package dev.stt.whisper;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The Whisper-shaped test model built by {@code src/test/python/make_test_whisper.py} (committed under
 * src/test/resources/whisper-scripted): real ONNX graphs with the Optimum export's names and shapes whose
 * output is scripted — see the script for what it says for speech and for silence.
 */
final class ScriptedWhisper {

    private ScriptedWhisper() {
    }

    static Path dir() {
        try {
            return Path.of(ScriptedWhisper.class.getResource("/whisper-scripted/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
