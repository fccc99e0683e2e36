package dev.stt.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/** The one configured Jackson mapper, and the checks every door applies to what clients send. */
public final class Json {

    /** Nesting deeper than any real event: a hostile document is refused before it costs stack. */
    public static final int MAX_DEPTH = 32;

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(64 << 20).build())
            .build());

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses one client event: a JSON object with a string {@code type}. */
    public static ObjectNode parseEvent(String text) throws ProtocolException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ProtocolException("invalid_json", "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("invalid_json", "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            throw new ProtocolException("missing_type", "missing 'type'");
        }
        if (!type.isTextual()) {
            throw new ProtocolException("invalid_type", "'type' must be a string");
        }
        return (ObjectNode) node;
    }

    /** Decodes a base64 field, naming the field and what is wrong. */
    public static byte[] base64(JsonNode event, String field) throws ProtocolException {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            throw new ProtocolException("missing_audio", "missing '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new ProtocolException("invalid_audio", "'" + field + "' must be a base64 string");
        }
        try {
            return Base64.getDecoder().decode(v.textValue());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid_audio", "'" + field + "' is not valid base64: " + e.getMessage());
        }
    }
}
