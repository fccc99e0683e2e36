package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The body of {@code GET /v1/models}: {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. */
public final class OpenAiModelList {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiModelList() {
    }

    /** @param createdEpochSeconds when the server loaded its models */
    public static String json(List<String> modelIds, long createdEpochSeconds) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (String id : modelIds) {
            describe(data.addObject(), id, createdEpochSeconds);
        }
        return o.toString();
    }

    /** The body of {@code GET /v1/models/{id}}: one model object. */
    public static String model(String id, long createdEpochSeconds) {
        return describe(MAPPER.createObjectNode(), id, createdEpochSeconds).toString();
    }

    private static ObjectNode describe(ObjectNode m, String id, long createdEpochSeconds) {
        m.put("id", id);
        m.put("object", "model");
        m.put("created", createdEpochSeconds);
        m.put("owned_by", "stt");
        return m;
    }
}
