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
        String text = v.textValue();
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return lenientBase64(text, field);
        }
    }

    /**
     * The slow path, taken only when the strict decoder refused: names the first offending character
     * and its position (whitespace included: RFC 4648 base64 has none) so a client can find its bug.
     */
    private static byte[] lenientBase64(String text, String field) throws ProtocolException {
        StringBuilder data = new StringBuilder(text.length());
        int padding = 0;
        int firstPad = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') {
                if (padding++ == 0) {
                    firstPad = i;
                }
                continue;
            }
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                throw badBase64(field, "'" + printable(c) + "' at position " + i);
            }
            if (padding > 0) {
                throw badBase64(field, "'=' at position " + firstPad + " before the end of the data");
            }
            data.append(c);
        }
        int units = data.length();
        if (units % 4 == 1) {
            throw badBase64(field, units + " characters of data, one more than whole 4-character groups");
        }
        if (padding > 0 && (padding > 2 || (units + padding) % 4 != 0)) {
            throw badBase64(field, padding + " '=' of padding after " + units + " characters; expected " + (4 - units % 4) % 4);
        }
        try {
            return Base64.getDecoder().decode(data.toString());
        } catch (IllegalArgumentException e) {
            throw badBase64(field, e.getMessage());
        }
    }

    private static ProtocolException badBase64(String field, String what) {
        return new ProtocolException("invalid_audio", "'" + field + "' is not valid base64: " + what);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f || Character.isLetterOrDigit(c) ? String.valueOf(c) : String.format("U+%04X", (int) c);
    }
}
