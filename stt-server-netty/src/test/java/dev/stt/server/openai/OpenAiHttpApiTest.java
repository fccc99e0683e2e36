package dev.stt.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stt.audio.WavReader;
import dev.stt.audio.WavWriter;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.testkit.Signals;
import dev.stt.eval.TextNormalizer;
import dev.stt.eval.WordErrorRate;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API around the plain transcription, driven by the official {@code openai} npm SDK against a real
 * server with the real models: streaming, translations, model lookup and aliases, and each request OpenAI
 * answers with a 400 or 404.
 */
class OpenAiHttpApiTest {

    private static final Logger log = LoggerFactory.getLogger(OpenAiHttpApiTest.class);
    private static SttServer server;
    private static JsonNode out;
    private static List<SpeechCorpus.Clip> clips;

    @BeforeAll
    static void run(@TempDir Path tmp) throws Exception {
        NodeHarness.requireNode();
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withWorkers(2);
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed: " + server.models().failure());
        clips = SpeechCorpus.load(TestData.speechDir());
        // the ten clips one after another with a second of silence between: about 67 s
        List<float[]> parts = new ArrayList<>();
        for (SpeechCorpus.Clip clip : clips) {
            parts.add(WavReader.read(clip.wav()).toMono16k());
            parts.add(new float[16_000]);
        }
        Path joined = tmp.resolve("joined.wav");
        Files.write(joined, WavWriter.toBytes(Signals.concat(parts), 16_000));
        out = NodeHarness.run(Map.of(), "api.mjs", "http://127.0.0.1:" + server.port() + "/v1", TestData.jfkWav().toString(), joined.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void aStreamedTranscriptionSendsDeltasThatAddUpToTheDoneText() {
        JsonNode s = out.get("stream");
        assertFalse(s.has("sdkError"), s.toString());
        JsonNode events = s.get("events");
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < events.size() - 1; i++) {
            assertEquals("transcript.text.delta", events.get(i).get("type").asText(), events.get(i).toString());
            deltas.append(events.get(i).get("delta").asText());
        }
        JsonNode done = events.get(events.size() - 1);
        assertEquals("transcript.text.done", done.get("type").asText());
        assertTrue(events.size() >= 4, "a minute of speech comes in several pieces: " + events);
        assertEquals(done.get("text").asText(), deltas.toString());
        // a streamed file goes to the engine a piece at a time, a plain one in batches of 8, whose padding can move
        // a comma; the words are the same
        assertEquals(TextNormalizer.normalize(out.at("/plainLong/text").asText()), TextNormalizer.normalize(done.get("text").asText()),
                "streaming must not change the words");
        assertEquals(67, done.at("/usage/seconds").asLong(), 1);
        double first = s.get("firstDeltaMs").asDouble();
        double all = s.get("doneMs").asDouble();
        log.info("67 s file streamed: first delta after {} ms, done after {} ms", Math.round(first), Math.round(all));
        assertTrue(first < all, "the first delta arrives before the end");
    }

    @Test
    void translationsOfEnglishSpeechOnAnEnglishOnlyModelAreItsTranscript() {
        JsonNode t = out.get("translation");
        assertFalse(t.has("sdkError"), t.toString());
        assertEquals(out.at("/alias/text").asText(), t.get("text").asText());
    }

    @Test
    void modelsAreRetrievedByNameAndByOpenAiAliasAndUnknownOnesAre404() {
        assertEquals("moonshine-tiny", out.at("/retrieve/id").asText(), out.get("retrieve").toString());
        assertEquals("model", out.at("/retrieve/object").asText());
        assertEquals("whisper-1", out.at("/retrieveAlias/id").asText(), out.get("retrieveAlias").toString());
        assertEquals(404, out.at("/retrieveUnknown/sdkError/status").asInt(), out.get("retrieveUnknown").toString());
    }

    @Test
    void anOpenAiModelNameIsTheDefaultModelAndAnUnknownNameIs404() {
        String text = out.at("/alias/text").asText();
        assertTrue(WordErrorRate.rate(clips.stream().filter(c -> c.name().equals("jfk")).findFirst().orElseThrow().reference(), text) < 0.1, text);
        JsonNode unknown = out.at("/unknownModel/sdkError");
        assertEquals(404, unknown.get("status").asInt(), unknown.toString());
        assertEquals("model_not_found", unknown.at("/error/code").asText(), unknown.toString());
        assertTrue(unknown.at("/error/message").asText().contains("moonshine-tiny"), "names the models served: " + unknown);
    }

    @Test
    void eachWrongFieldIs400NamingIt() {
        Map<String, String> params = Map.of("temperatureText", "temperature", "temperatureHigh", "temperature",
                "languageBad", "language", "languageUnsupported", "language",
                "granularitiesWithJson", "timestamp_granularities", "formatUnknown", "response_format");
        params.forEach((name, param) -> {
            JsonNode e = out.at("/refused/" + name + "/sdkError");
            assertEquals(400, e.path("status").asInt(), name + ": " + out.at("/refused/" + name));
            assertEquals(param, e.at("/error/param").asText(), name + ": " + e);
        });
        assertTrue(out.at("/refused/languageUnsupported/sdkError/error/message").asText().contains("en"),
                "says which languages the model knows");
    }

    @Test
    void wordTimestampsComeInOrderInsideTheAudioAndSubtitlesFollowThem() {
        JsonNode v = out.get("words");
        assertFalse(v.has("sdkError"), v.toString());
        JsonNode words = v.get("words");
        assertTrue(words.size() >= 20, "JFK says 22 words: " + words);
        double previous = 0;
        StringBuilder said = new StringBuilder();
        for (JsonNode w : words) {
            double start = w.get("start").asDouble();
            double end = w.get("end").asDouble();
            assertTrue(start >= previous - 1e-3 && end > start && end <= 11.05, "word " + w);
            previous = end;
            said.append(said.isEmpty() ? "" : " ").append(w.get("word").asText());
        }
        assertEquals(TextNormalizer.normalize(v.get("text").asText()), TextNormalizer.normalize(said.toString()));
        String srt = out.get("srt").asText();
        assertTrue(srt.strip().split("\n\n").length >= 2, "an 11 s sentence is more than one cue: " + srt);
    }

    @Test
    void verboseJsonCarriesTheDecodersFiguresAndInventsNone() {
        JsonNode v = out.get("verbose");
        assertFalse(v.has("sdkError"), v.toString());
        assertEquals("english", v.get("language").asText());
        for (JsonNode seg : v.get("segments")) {
            double logprob = seg.get("avg_logprob").asDouble();
            assertTrue(logprob < 0 && logprob > -2, "a real mean log-probability: " + seg);
            double ratio = seg.get("compression_ratio").asDouble();
            assertTrue(ratio > 0.5 && ratio < 2.4, "jfk's text does not repeat: " + seg);
            // Moonshine's: the probability it gave end-of-text as the first token (Whisper's is its no-speech token)
            double noSpeech = seg.get("no_speech_prob").asDouble();
            assertTrue(noSpeech >= 0 && noSpeech < 0.1, "speech scores as speech: " + seg);
            assertFalse(seg.has("tokens"), "token ids are not reported rather than reported empty: " + seg);
        }
    }

}
