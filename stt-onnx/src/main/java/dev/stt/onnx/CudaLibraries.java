package dev.stt.onnx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the CUDA and cuDNN libraries that bytedeco's redist jars carry (built with {@code -Pcuda}) into
 * the process before ONNX Runtime's CUDA provider is created: the provider then finds them already
 * loaded, so no one has to point {@code LD_LIBRARY_PATH} at a CUDA install. Reflective, so the CPU build
 * needs no bytedeco classes.
 */
public final class CudaLibraries {

    private static final Logger log = LoggerFactory.getLogger(CudaLibraries.class);
    private static final String[] PRESETS = {
        "org.bytedeco.cuda.global.cudart", "org.bytedeco.cuda.global.cublas", "org.bytedeco.cuda.global.cudnn"};

    private static volatile String status;

    private CudaLibraries() {
    }

    /**
     * Loads them once per process.
     *
     * @return null when loaded, else why not (e.g. the presets are not on the class path)
     */
    public static synchronized String load() {
        if (status != null) {
            return status.isEmpty() ? null : status;
        }
        try {
            Class<?> loader = Class.forName("org.bytedeco.javacpp.Loader");
            for (String preset : PRESETS) {
                loader.getMethod("load", Class.class).invoke(null, Class.forName(preset));
            }
            status = "";
            log.info("CUDA libraries loaded from bytedeco's presets");
            return null;
        } catch (ClassNotFoundException e) {
            status = "bytedeco's CUDA presets are not on the class path (build with -Pcuda)";
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            status = "bytedeco's CUDA libraries did not load: " + cause;
        }
        return status;
    }
}
