package dev.stt.cli;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs the server's drain on SIGTERM and SIGINT before the JVM starts shutting down, then exits as a
 * signalled process does (128 + signal).
 *
 * <p>Why not only a shutdown hook: ONNX Runtime's {@code OrtEnvironment} registers its own hook that frees
 * the native environment, and the JVM runs hooks concurrently, so a drain inside a hook transcribes on
 * freed memory and the JVM dies with SIGSEGV (seen with a segment still open at SIGTERM). Handling the
 * signal first lets the drain finish while the models are alive; the hooks then find nothing to do.
 */
final class GracefulStop {

    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

    private GracefulStop() {
    }

    static void onSignals(Runnable drain) {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), s -> {
                    log.info("SIG{}: draining before exit", s.getName());
                    drain.run();
                    System.exit(128 + s.getNumber());
                });
            } catch (IllegalArgumentException e) {
                // the signal does not exist here or the JVM keeps it (-Xrs): the shutdown hook still drains
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
