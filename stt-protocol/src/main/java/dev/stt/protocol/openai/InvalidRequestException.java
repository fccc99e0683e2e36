package dev.stt.protocol.openai;

/** A request OpenAI's API would answer 400: {@link #param()} names the field, as in {@code error.param}. */
public final class InvalidRequestException extends IllegalArgumentException {

    private final String param;

    public InvalidRequestException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The form field at fault, or null when the request as a whole is. */
    public String param() {
        return param;
    }

    /** The error body to send. */
    public String json() {
        return OpenAiErrors.invalidRequest(getMessage(), param);
    }
}
