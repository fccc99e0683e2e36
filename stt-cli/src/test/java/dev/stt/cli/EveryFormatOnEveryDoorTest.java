package dev.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.engine.Device;
import dev.stt.eval.TestData;
import dev.stt.eval.WordErrorRate;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * JFK encoded in every container and codec the FFmpeg decoder's tests keep (stt-audio-ffmpeg's fixtures, made
 * from stt-testkit's jfk.wav), transcribed by {@code stt transcribe} and over {@code POST /v1/audio/transcriptions}:
 * both doors give each format the same text, within one word of the WAV's; bad files get a 400 naming them.
 */
class EveryFormatOnEveryDoorTest {

    private static final List<String> FORMATS = List.of("jfk.mp3", "jfk.m4a", "jfk.ogg", "jfk.opus", "jfk.webm",
            "jfk.flac", "jfk.mp4", "jfk-stereo-22k.mkv", "jfk-stereo-44k-adpcm.wav", "jfk-8k-mulaw.wav", "jfk.amr");
    private static SttServer server;
    private static String reference;

    @BeforeAll
    static void start() throws Exception {
        reference = Files.readString(TestData.speechDir().resolve("jfk.txt"));
        ServerConfig c = ServerConfig.defaults().withHost("127.0.0.1").withPort(0).withDevice(Device.CPU).withWorkers(2).withIntraThreads(1);
        server = OpenAiCompatibility.install(new SttServer(c, SttServer.defaultLoader(c)), OpenAiOptions.DEFAULTS).start();
        server.models().loaded().get(120, TimeUnit.SECONDS);
        assertTrue(server.models().ready(), "models failed to load: " + server.models().failure());
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private static Path fixture(String name) {
        return TestData.repoDir().resolve("stt-audio-ffmpeg/src/test/resources").resolve(name);
    }

    @Test
    void everyFormatReadsLikeTheWavOnTheCommandLineAndOverHttp() throws Exception {
        List<String> args = new ArrayList<>(List.of("--quiet", TestData.jfkWav().toString()));
        FORMATS.forEach(f -> args.add(fixture(f).toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new TranscribeCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(FORMATS.size() + 1, lines.length);
        double wavWer = WordErrorRate.rate(reference, lines[0].split("\t", 2)[1]);
        for (int k = 0; k < FORMATS.size(); k++) {
            String cli = lines[k + 1].split("\t", 2)[1];
            String http = upload(fixture(FORMATS.get(k))).path("text").asText();
            double wer = WordErrorRate.rate(reference, cli);
            LoggerFactory.getLogger(EveryFormatOnEveryDoorTest.class).info("{}: WER {} (wav {}): {}", FORMATS.get(k), wer, wavWer, cli);
            assertEquals(cli, http, FORMATS.get(k) + ": the CLI and HTTP read it alike");
            // 22 words: one word is 4.5 points; telephone-band AMR and µ-law may lose one more than the WAV
            assertTrue(wer <= wavWer + 0.05, FORMATS.get(k) + ": WER " + wer + " against the WAV's " + wavWer + ": " + cli);
        }
    }

    @Test
    void badFilesGetA400NamingWhatWasFound(@TempDir Path tmp) throws Exception {
        byte[] noise = new byte[20_000];
        new Random(7).nextBytes(noise);
        Path random = Files.write(tmp.resolve("random.mp3"), noise);
        for (Path bad : List.of(random, fixture("no-audio.mp4"))) {
            HttpResponse<String> r = post(bad);
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            JsonNode e = new ObjectMapper().readTree(r.body()).path("error");
            assertEquals("file", e.path("param").asText(), r.body());
            assertTrue(e.path("message").asText().contains(bad.getFileName().toString()), "names the file: " + r.body());
        }
        // the server still serves a good file afterwards
        assertTrue(upload(fixture("jfk.mp3")).path("text").asText().contains("country"));
    }

    private static JsonNode upload(Path file) throws Exception {
        HttpResponse<String> r = post(file);
        assertEquals(200, r.statusCode(), file + ": " + r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private static HttpResponse<String> post(Path file) throws Exception {
        return Uploads.post("http://127.0.0.1:" + server.port() + "/v1/audio/transcriptions", file, Map.of());
    }
}
