package dev.stt.server;

import dev.stt.testkit.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.protocol.original.OriginalProtocol;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input on the original protocol gets an {@code error} event that says what was
 * wrong, and the same connection then transcribes real speech as if nothing had happened.
 */
class OriginalProtocolErrorsTest {

    static final int MAX_MESSAGE = 256 * 1024;
    private static RunningServer server;
    private static float[] speech;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.withRealModels(RunningServer.testConfig().withLimits(8, MAX_MESSAGE, 60, 16, 64));
        speech = Speech.jfkOpening();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String append(String fields) {
        return "{\"type\":\"input_audio_buffer.append\"" + fields + "}";
    }

    static Stream<Arguments> badInputs() {
        String tooLarge = append(",\"audio\":\"" + "A".repeat(MAX_MESSAGE + 4) + "\"");
        return Stream.of(
                Arguments.of("not JSON", text("hello"), "malformed JSON"),
                Arguments.of("a JSON array", text("[1,2]"), "expected a JSON object, got array"),
                Arguments.of("no type", text("{\"audio\":\"AAAA\"}"), "missing 'type'"),
                Arguments.of("type not a string", text("{\"type\":5}"), "'type' must be a string"),
                Arguments.of("unknown type", text("{\"type\":\"input_audio_buffer.apend\"}"),
                        "unknown event type 'input_audio_buffer.apend'"),
                Arguments.of("no audio", text(append("")), "missing 'audio'"),
                Arguments.of("audio not a string", text(append(",\"audio\":123")), "'audio' must be a base64 string"),
                Arguments.of("bad base64", text(append(",\"audio\":\"AAAA*AAA\"")), "'audio' is not valid base64: '*' at position 4"),
                Arguments.of("odd byte count", text(append(",\"audio\":\"AAAA\"")), "an even number of bytes, got 3"),
                Arguments.of("sample_rate a string", text(append(",\"sample_rate\":\"16000\",\"audio\":\"AAAA\"")),
                        "'sample_rate' must be an integer number of Hz, got \"16000\""),
                Arguments.of("sample_rate fractional", text(append(",\"sample_rate\":16000.5,\"audio\":\"AAAA\"")),
                        "'sample_rate' must be an integer number of Hz, got 16000.5"),
                Arguments.of("sample_rate too low", text(append(",\"sample_rate\":7999,\"audio\":\"AAAA\"")),
                        "'sample_rate' must be between 8000 and 48000 Hz, got 7999"),
                Arguments.of("sample_rate too high", text(append(",\"sample_rate\":96000,\"audio\":\"AAAA\"")),
                        "'sample_rate' must be between 8000 and 48000 Hz, got 96000"),
                // in frames under the limit: a single frame over it is closed with 1009 before it is buffered (EdgeLimitsTest)
                Arguments.of("message too large", (Consumer<WsTestClient>) c -> c.sendInTwoFrames(tooLarge),
                        "over the limit of " + MAX_MESSAGE + " bytes"),
                Arguments.of("binary frame of odd length", (Consumer<WsTestClient>) c -> c.sendBinary(new byte[] {1, 2, 3}),
                        "even number of bytes, got 3"),
                Arguments.of("echo_audio not a boolean", text("{\"type\":\"session.update\",\"echo_audio\":\"no\"}"),
                        "'echo_audio' must be true or false"));
    }

    private static Consumer<WsTestClient> text(String frame) {
        return c -> c.send(frame);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsAnErrorAndTheConnectionStaysUsable(String name, Consumer<WsTestClient> bad, String expected) throws Exception {
        try (WsTestClient c = server.connect()) {
            bad.accept(c);
            JsonNode error = c.expect("error");
            String message = error.path("message").asText();
            assertTrue(message.contains(expected), name + ": expected the error to say \"" + expected + "\", got \"" + message + "\"");
            assertTrue(!message.equals(OriginalProtocol.MODELS_NOT_INITIALIZED), name);

            c.stream(speech, 16_000, 100);
            List<JsonNode> results = c.commitAndCollect();
            assertEquals(1, results.size(), name + ": one utterance after the error, got " + results);
            JsonNode done = results.get(0);
            assertEquals("response.audio_transcript.done", done.path("type").asText(), name + ": " + done);
            assertTrue(Speech.normalized(done.path("transcript").asText()).contains("fellow americans"),
                    name + ": transcript after the error was \"" + done.path("transcript").asText() + "\"");
        }
    }
}
