package dev.stt.spark;

import java.io.Serializable;

/**
 * Which engine the executors load: the model name, the model store directory (null: {@code STT_MODELS_DIR}
 * or {@code ~/.cache/stt} on the executor), and the ONNX intra-op threads each engine session uses
 * ({@code spark.task.cpus}: a task that transcribes one file at a time is given that many cores).
 */
public record EngineSpec(String model, String modelsDir, int intraThreads) implements Serializable {

    public EngineSpec {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be given");
        }
        if (intraThreads < 1) {
            throw new IllegalArgumentException("intraThreads must be >= 1, got " + intraThreads);
        }
    }
}
