package dev.stt.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins every server event to the field set of the openai SDK's types (resources/realtime/realtime.d.ts). */
class RealtimeServerEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RealtimeServerEvents events = new RealtimeServerEvents();

    private static JsonNode parse(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void speechEventsCarryTimesAndItemIds() throws Exception {
        JsonNode started = parse(events.speechStarted(1200, "item_a"));
        assertEquals(Set.of("type", "event_id", "audio_start_ms", "item_id"), fields(started));
        assertEquals("input_audio_buffer.speech_started", started.get("type").asText());
        assertEquals(1200, started.get("audio_start_ms").asLong());
        JsonNode stopped = parse(events.speechStopped(3400, "item_a"));
        assertEquals(Set.of("type", "event_id", "audio_end_ms", "item_id"), fields(stopped));
        assertEquals(3400, stopped.get("audio_end_ms").asLong());
    }

    @Test
    void committedChainsItemsAndFirstHasNullPrevious() throws Exception {
        JsonNode first = parse(events.committed(null, "item_a"));
        assertEquals(Set.of("type", "event_id", "previous_item_id", "item_id"), fields(first));
        assertTrue(first.get("previous_item_id").isNull());
        assertEquals("item_a", parse(events.committed("item_a", "item_b")).get("previous_item_id").asText());
        assertEquals(Set.of("type", "event_id"), fields(parse(events.cleared())));
    }

    @Test
    void transcriptionEventsHaveContentIndexZero() throws Exception {
        JsonNode delta = parse(events.transcriptionDelta("item_a", "Hello "));
        assertEquals(Set.of("type", "event_id", "item_id", "content_index", "delta"), fields(delta));
        assertEquals("conversation.item.input_audio_transcription.delta", delta.get("type").asText());
        assertEquals(0, delta.get("content_index").asInt());
        JsonNode done = parse(events.transcriptionCompleted("item_a", "Hello world", 1.5));
        assertEquals(Set.of("type", "event_id", "item_id", "content_index", "transcript", "usage"), fields(done));
        assertEquals("Hello world", done.get("transcript").asText());
        assertEquals("duration", done.at("/usage/type").asText());
        assertEquals(1.5, done.at("/usage/seconds").asDouble());
        JsonNode failed = parse(events.transcriptionFailed("item_a", "engine_error", "boom"));
        assertEquals(Set.of("type", "event_id", "item_id", "content_index", "error"), fields(failed));
        assertEquals("boom", failed.at("/error/message").asText());
        assertEquals("engine_error", failed.at("/error/code").asText());
    }

    @Test
    void errorsAreNestedAndEchoTheClientEventId() throws Exception {
        JsonNode e = parse(events.error(new RealtimeProtocolException("invalid_event", null, "nope").forClientEvent("c7")));
        assertEquals(Set.of("type", "event_id"), fields(e).stream().filter(f -> !f.equals("error")).collect(java.util.stream.Collectors.toSet()));
        assertEquals("error", e.get("type").asText());
        JsonNode err = e.get("error");
        assertEquals(Set.of("type", "code", "message", "param", "event_id"), fields(err));
        assertEquals("invalid_request_error", err.get("type").asText());
        assertEquals("invalid_event", err.get("code").asText());
        assertTrue(err.get("param").isNull());
        assertEquals("c7", err.get("event_id").asText());
        assertNotEquals("c7", e.get("event_id").asText());
    }

    @Test
    void sessionCreatedNamesFollowTheClientsDialect() throws Exception {
        var config = TranscriptionSessionConfig.defaults("m");
        assertEquals("session.created", parse(events.sessionCreated(config, false)).get("type").asText());
        assertEquals("transcription_session.created", parse(events.sessionCreated(config, true)).get("type").asText());
        assertEquals("transcription_session.updated", parse(events.sessionUpdated(config, true)).get("type").asText());
        JsonNode updated = parse(events.sessionUpdated(config, false));
        assertEquals("session.updated", updated.get("type").asText());
        assertEquals(events.sessionId(), updated.at("/session/id").asText());
    }

    @Test
    void eventAndItemIdsAreUniqueAndPrefixed() throws Exception {
        Set<String> ids = new HashSet<>();
        RealtimeServerEvents other = new RealtimeServerEvents();
        for (int i = 0; i < 1000; i++) {
            String id = parse(events.cleared()).get("event_id").asText();
            assertTrue(id.startsWith("event_"), id);
            assertTrue(ids.add(id), id);
            assertTrue(ids.add(parse(other.cleared()).get("event_id").asText()));
            String item = events.newItemId();
            assertTrue(item.startsWith("item_"), item);
            assertTrue(ids.add(item), item);
        }
    }
}
