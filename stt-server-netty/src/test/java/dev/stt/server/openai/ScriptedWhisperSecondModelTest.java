package dev.stt.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.eval.TestData;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real second engine, opened the way the server opens any model (from a folder path through the model
 * store): the Whisper-shaped scripted test model of stt-engine-whisper beside the real Moonshine.
 */
class ScriptedWhisperSecondModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theWhisperFolderAnswersItsRequestsAndMoonshineItsOwn() throws Exception {
        Path dir = Path.of("..", "stt-engine-whisper", "src", "test", "resources", "whisper-scripted").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(dir.resolve("config.json")), dir.toString());
        String whisper = dir.toString();
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("STT_MODELS", "moonshine-tiny," + whisper, "STT_MODEL_TTL_S", "1"))
                .toBuilder().host("127.0.0.1").port(0).inferenceWorkers(2).intraThreads(1).build();
        SttServer server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        try {
            server.models().loaded().get(120, TimeUnit.SECONDS);
            assertTrue(server.models().ready(), "models failed: " + server.models().failure());
            byte[] jfk = Files.readAllBytes(TestData.jfkWav());
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> w = post(base, whisper, jfk, null);
            assertEquals(200, w.statusCode(), w.body());
            assertEquals("Hallo Welt noch mal", JSON.readTree(w.body()).get("text").asText());
            assertTrue(server.engines().loaded(whisper));
            // German is Whisper's to transcribe; Moonshine, English only, refuses it
            assertEquals(200, post(base, whisper, jfk, "de").statusCode());
            HttpResponse<String> m = post(base, "moonshine-tiny", jfk, "de");
            assertEquals(400, m.statusCode(), m.body());
            assertEquals("language", JSON.readTree(m.body()).at("/error/param").asText());
            HttpResponse<String> moon = post(base, "moonshine-tiny", jfk, null);
            assertTrue(JSON.readTree(moon.body()).get("text").asText().toLowerCase().contains("country"), moon.body());

            long end = System.currentTimeMillis() + 10_000;
            while (server.engines().loaded(whisper) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
            assertTrue(!server.engines().loaded(whisper), "the Whisper engine is unloaded after the TTL");
            HttpResponse<String> again = post(base, whisper, jfk, null);
            assertEquals("Hallo Welt noch mal", JSON.readTree(again.body()).get("text").asText(), "and loaded again");
        } finally {
            server.shutdown();
        }
    }

    private HttpResponse<String> post(String base, String model, byte[] wav, String language) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String fields = "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n"
                + (language == null ? "" : "--B\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\n" + language + "\r\n");
        body.writeBytes((fields + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jfk.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(wav);
        body.writeBytes("\r\n--B--\r\n".getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=B")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
