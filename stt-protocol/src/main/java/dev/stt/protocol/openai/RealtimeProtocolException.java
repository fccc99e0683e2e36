package dev.stt.protocol.openai;

/**
 * A client event the server refuses; becomes an {@code error} event and the connection stays open.
 * {@code code} and {@code param} are the OpenAI error fields ({@code invalid_event}, {@code invalid_value},
 * {@code input_audio_buffer_commit_empty}, ...).
 */
public final class RealtimeProtocolException extends RuntimeException {

    private final String code;
    private final String param;
    private final String clientEventId;

    public RealtimeProtocolException(String code, String param, String message) {
        this(code, param, message, null);
    }

    private RealtimeProtocolException(String code, String param, String message, String clientEventId) {
        super(message);
        this.code = code;
        this.param = param;
        this.clientEventId = clientEventId;
    }

    /** The same refusal, naming the client event that caused it. */
    public RealtimeProtocolException forClientEvent(String eventId) {
        return new RealtimeProtocolException(code, param, getMessage(), eventId);
    }

    /** The {@code event_id} of the client event refused, or null. */
    public String clientEventId() {
        return clientEventId;
    }

    public String code() {
        return code;
    }

    /** The offending field, or null. */
    public String param() {
        return param;
    }
}
