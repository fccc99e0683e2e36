package dev.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.engine.Device;
import dev.stt.eval.SpeechCorpus;
import dev.stt.eval.TestData;
import dev.stt.testkit.Uploads;
import dev.stt.server.ServerConfig;
import dev.stt.server.SttServer;
import dev.stt.server.openai.OpenAiCompatibility;
import dev.stt.server.openai.OpenAiOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code stt transcribe} and {@code POST /v1/audio/transcriptions} share one offline path, so each of the ten
 * real clips reads the same on both, word for word (real VAD, real Moonshine, a real socket).
 */
class SameTextOnEveryDoorTest {

    private static SttServer server;
    private static List<SpeechCorpus.Clip> clips;

    @BeforeAll
    static void start() throws Exception {
        clips = SpeechCorpus.load(TestData.speechDir());
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withDevice(Device.CPU).withWorkers(2).withIntraThreads(1);
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed to load: " + server.models().failure());
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @Test
    void eachClipGivesTheSameTextOnTheCommandLineAndOverHttp() throws Exception {
        List<String> args = new ArrayList<>(List.of("--quiet"));
        clips.forEach(c -> args.add(c.wav().toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new TranscribeCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(args);
        assertEquals(0, status);
        Map<String, String> cli = new HashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            int tab = line.indexOf('\t');
            cli.put(line.substring(0, tab), line.substring(tab + 1));
        }
        assertEquals(clips.size(), cli.size(), out.toString(StandardCharsets.UTF_8));

        for (SpeechCorpus.Clip c : clips) {
            String http = upload(c.wav());
            assertEquals(cli.get(c.wav().toString()), http, c.name());
            assertTrue(!http.isBlank(), c.name());
        }
    }

    @Test
    void jfkOverHttpKeepsAskNot() throws Exception {
        String text = upload(TestData.jfkWav());
        assertTrue(text.contains("Americans ask not what your country can do for you"), text);
    }

    private static String upload(Path wav) throws Exception {
        HttpResponse<String> r = Uploads.post("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions", wav, Map.of("model", "moonshine-tiny"));
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).path("text").asText();
    }
}
