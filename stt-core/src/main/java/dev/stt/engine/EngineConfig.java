package dev.stt.engine;

import dev.stt.model.ModelStore;
import java.util.Objects;

/**
 * How to open an engine: which model, where inference runs, how many threads. Immutable; built
 * with {@link #builder(String)}.
 *
 * @param model        a manifest name ({@code moonshine-tiny}) or a local model folder
 * @param device       where inference runs
 * @param intraThreads threads one inference may use (ONNX Runtime intra-op threads); 0 = runtime default
 * @param store        where named models are found or downloaded
 */
public record EngineConfig(String model, Device device, int intraThreads, ModelStore store) {

    public EngineConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(store, "store");
        if (intraThreads < 0) {
            throw new IllegalArgumentException("intraThreads must be >= 0, got " + intraThreads);
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    public static final class Builder {
        private final String model;
        private Device device = Device.CPU;
        private int intraThreads;
        private ModelStore store;

        private Builder(String model) {
            this.model = model;
        }

        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        public Builder intraThreads(int threads) {
            this.intraThreads = threads;
            return this;
        }

        public Builder store(ModelStore store) {
            this.store = store;
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(model, device, intraThreads, store != null ? store : ModelStore.fromEnvironment());
        }
    }
}
