package dev.stt.protocol;

/** A client message that cannot be taken; the message is sent back to the client as is. */
public class ProtocolException extends Exception {

    private final String code;

    public ProtocolException(String message) {
        this("invalid_event", message);
    }

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A short machine-readable kind, e.g. {@code invalid_json}, {@code invalid_audio}, {@code unknown_event}. */
    public String code() {
        return code;
    }
}
