package dev.stt.server;

/**
 * A served model cannot answer now: the server's models are still loading, or this model failed to load
 * (the next request tries again). Doors answer it as {@code model_not_ready} (HTTP 503).
 */
public final class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
