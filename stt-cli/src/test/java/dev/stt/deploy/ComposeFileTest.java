package dev.stt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: one GPU host, the image built from the repo, models in a named volume. */
class ComposeFileTest {

    private static final Path REPO = Repo.dir();

    private static JsonNode stt() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(REPO.resolve("docker-compose.yml").toFile());
        JsonNode s = root.path("services").path("stt");
        assertTrue(s.isObject(), "docker-compose.yml has a service 'stt'");
        return s;
    }

    @Test
    void buildsTheRepositorysDockerfile() throws Exception {
        JsonNode build = stt().path("build");
        Path dockerfile = REPO.resolve(build.path("context").asText()).resolve(build.path("dockerfile").asText());
        assertTrue(Files.isRegularFile(dockerfile), dockerfile + " does not exist");
    }

    @Test
    void publishesTheExposedPortWithTheSameEnv() throws Exception {
        JsonNode s = stt();
        DockerfileInstructions d = DockerfileInstructions.read(REPO.resolve(s.path("build").path("dockerfile").asText()));
        String exposed = d.finalStage("EXPOSE").get(0).args();
        List<String> containerPorts = new ArrayList<>();
        s.path("ports").forEach(p -> containerPorts.add(p.asText().substring(p.asText().lastIndexOf(':') + 1)));
        assertEquals(List.of(exposed), containerPorts);
        assertEquals(String.valueOf(Repo.defaultPort()), s.path("environment").path("PORT").asText());
        assertEquals("cuda", s.path("environment").path("STT_DEVICE").asText());
    }

    @Test
    void reservesOneNvidiaGpu() throws Exception {
        JsonNode dev = stt().path("deploy").path("resources").path("reservations").path("devices").path(0);
        assertEquals("nvidia", dev.path("driver").asText());
        assertEquals(1, dev.path("count").asInt());
        List<String> caps = new ArrayList<>();
        dev.path("capabilities").forEach(c -> caps.add(c.asText()));
        assertTrue(caps.contains("gpu"), "capabilities " + caps);
    }

    @Test
    void modelsGoToANamedVolumeAndShutdownWaitsForTheDrain() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(REPO.resolve("docker-compose.yml").toFile());
        JsonNode s = stt();
        String dir = s.path("environment").path("STT_MODELS_DIR").asText();
        assertEquals("/models", dir);
        String mount = s.path("volumes").path(0).asText();
        assertTrue(mount.endsWith(":" + dir), "volume mounted at " + dir + ": " + mount);
        String volume = mount.substring(0, mount.indexOf(':'));
        assertTrue(root.path("volumes").has(volume), "named volume " + volume + " is declared");
        int drain = s.path("environment").path("STT_DRAIN_S").asInt(Repo.defaultDrainSeconds());
        String grace = s.path("stop_grace_period").asText();
        assertTrue(grace.matches("\\d+s"), "stop_grace_period in seconds: " + grace);
        assertTrue(Integer.parseInt(grace.substring(0, grace.length() - 1)) > drain, grace + " must exceed STT_DRAIN_S " + drain);
    }
}
