package dev.stt.protocol.openai;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealtimeClientEventsTest {

    @Test
    void appendCarriesDecodedAudioAndTheClientsEventId() {
        byte[] pcm = {1, 2, 3, 4};
        var e = RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.append\",\"event_id\":\"c1\",\"audio\":\""
                + Base64.getEncoder().encodeToString(pcm) + "\"}");
        var append = assertInstanceOf(RealtimeClientEvent.AudioAppend.class, e);
        assertArrayEquals(pcm, append.audio());
        assertEquals("c1", append.eventId());
    }

    @Test
    void commitAndClearNeedNothingButTheirType() {
        assertInstanceOf(RealtimeClientEvent.AudioCommit.class, RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.commit\"}"));
        var clear = RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.clear\"}");
        assertInstanceOf(RealtimeClientEvent.AudioClear.class, clear);
        assertNull(clear.eventId());
    }

    @Test
    void gaAndBetaSessionUpdatesAreToldApart() {
        var ga = assertInstanceOf(RealtimeClientEvent.SessionUpdate.class,
                RealtimeClientEvents.parse("{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\"}}"));
        var beta = assertInstanceOf(RealtimeClientEvent.SessionUpdate.class,
                RealtimeClientEvents.parse("{\"type\":\"transcription_session.update\",\"session\":{}}"));
        assertEquals(false, ga.beta());
        assertEquals(true, beta.beta());
    }

    @Test
    void unknownTypeIsAnInvalidEventNamingTheClientEvent() {
        var e = assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("{\"type\":\"response.create\",\"event_id\":\"c9\"}"));
        assertEquals("invalid_event", e.code());
        assertEquals("c9", e.clientEventId());
        assertTrue(e.getMessage().contains("response.create"), e.getMessage());
    }

    @Test
    void brokenJsonBadBase64AndMissingFieldsAreRefusedWithReasons() {
        assertEquals("invalid_json", assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("{not json")).code());
        var b64 = assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.append\",\"audio\":\"@@@\"}"));
        assertEquals("audio", b64.param());
        assertEquals("missing_required_parameter", assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.append\"}")).code());
        assertEquals("invalid_event", assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("[1,2]")).code());
    }

    @Test
    void anAppendOverFifteenMebibytesIsRefused() {
        String big = Base64.getEncoder().encodeToString(new byte[RealtimeClientEvents.MAX_APPEND_AUDIO_BYTES + 2]);
        var e = assertThrows(RealtimeProtocolException.class,
                () -> RealtimeClientEvents.parse("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + big + "\"}"));
        assertTrue(e.getMessage().contains("15 MiB"), e.getMessage());
        assertTrue(big.length() < RealtimeClientEvents.MAX_FRAME_CHARS, "the frame limit admits the refusal to be parsed");
    }
}
