package dev.stt.model;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Told how a download goes; the command line draws a bar, the server logs. */
public interface DownloadProgress {

    /** @param total bytes expected, or -1 when unknown */
    void update(String model, String source, long bytes, long total);

    default void done(String model, String source, long bytes) {
    }

    /** Logs the start and the end of each download; a server has no terminal to draw on. */
    DownloadProgress LOG = new DownloadProgress() {
        private final Logger log = LoggerFactory.getLogger(ModelStore.class);

        @Override
        public void update(String model, String source, long bytes, long total) {
            if (bytes == 0) {
                log.info("downloading {} ({}): {} bytes", model, source, total);
            }
        }

        @Override
        public void done(String model, String source, long bytes) {
            log.info("downloaded {} ({}): {} bytes", model, source, bytes);
        }
    };
}
