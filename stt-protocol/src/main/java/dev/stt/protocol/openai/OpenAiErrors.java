package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error body of OpenAI's HTTP API: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrors {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiErrors() {
    }

    public static String json(String message, String type, String param, String code) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return o.toString();
    }

    public static String invalidRequest(String message, String param) {
        return json(message, "invalid_request_error", param, null);
    }

    public static String invalidApiKey() {
        return json("Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
                "invalid_request_error", null, "invalid_api_key");
    }
}
