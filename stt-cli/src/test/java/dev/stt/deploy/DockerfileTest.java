package dev.stt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stt.deploy.DockerfileInstructions.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles checked against the repository and the server: Docker cannot run here, so this is
 * what stands in for a build. Every file they copy exists (or is a jar the poms build), the port
 * and health check match the server's, and models live in a volume.
 */
class DockerfileTest {

    private static final Path REPO = Repo.dir();

    private static DockerfileInstructions read(String name) throws Exception {
        Path f = REPO.resolve(name);
        assertTrue(Files.isRegularFile(f), name + " is missing");
        return DockerfileInstructions.read(f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cpu"})
    void everyCopiedPathExistsOrIsAJarThePomsBuild(String name) throws Exception {
        DockerfileInstructions d = read(name);
        Set<String> jars = Poms.shadedJars(REPO);
        List<Instruction> copies = new ArrayList<>(d.all("COPY"));
        copies.addAll(d.all("ADD"));
        assertFalse(copies.isEmpty(), name + " copies nothing");
        for (Instruction c : copies) {
            List<String> w = c.words();
            String from = w.stream().filter(x -> x.startsWith("--from=")).map(x -> x.substring(7)).findFirst().orElse(null);
            List<String> paths = w.stream().filter(x -> !x.startsWith("--")).toList();
            assertTrue(paths.size() >= 2, name + " " + c + ": expected sources and a destination");
            List<String> sources = paths.subList(0, paths.size() - 1);
            if (from == null) {
                for (String s : sources) {
                    assertTrue(Files.exists(REPO.resolve(s)), name + " " + c + ": " + s + " is not in the repository");
                }
            } else if (d.stageIndex(from) >= 0) {
                String workdir = d.workdir(d.stageIndex(from));
                for (String s : sources) {
                    assertTrue(s.startsWith(workdir + "/"), name + " " + c + ": " + s + " is outside the build stage's " + workdir);
                    String rel = s.substring(workdir.length() + 1);
                    assertTrue(Files.exists(REPO.resolve(rel)) || jars.contains(rel),
                            name + " " + c + ": " + rel + " is neither in the repository nor a jar the poms build " + jars);
                }
            } else {
                // another image (the JRE): a reference with a tag, not a stage this file lacks
                assertTrue(from.contains(":"), name + " " + c + ": --from=" + from + " is no stage and no tagged image");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cpu"})
    void buildStagePackagesTheServerWithTheWrapper(String name) throws Exception {
        DockerfileInstructions d = read(name);
        Instruction from = d.all("FROM").get(0);
        assertEquals("maven:3-eclipse-temurin-21 AS build", from.args(), name);
        List<String> builds = d.all("RUN").stream().filter(r -> r.stage() == 0 && r.args().contains("./mvnw")).map(Instruction::args).toList();
        assertEquals(1, builds.size(), name + ": one Maven build in the build stage");
        String build = builds.get(0);
        assertTrue(build.contains(" package") && build.contains("-DskipTests") && build.contains(" -B"), build);
        Matcher pl = Pattern.compile("-pl\\s+(\\S+)").matcher(build);
        assertTrue(pl.find(), build);
        assertTrue(Poms.modules(REPO).contains(pl.group(1)), pl.group(1) + " is not a module of the root pom");
        assertTrue(Files.isRegularFile(REPO.resolve("mvnw")), "the wrapper the build runs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cpu"})
    void exposesTheServersDefaultPortAndChecksHealth(String name) throws Exception {
        DockerfileInstructions d = read(name);
        int port = Repo.defaultPort();
        List<Instruction> expose = d.finalStage("EXPOSE");
        assertEquals(1, expose.size(), name);
        assertEquals(String.valueOf(port), expose.get(0).args(), name + " EXPOSE");
        Map<String, String> env = d.finalEnv();
        assertEquals(String.valueOf(port), env.get("PORT"), name + " ENV PORT");
        assertEquals("0.0.0.0", env.get("HOST"), name + " must listen beyond the container");

        List<Instruction> hc = d.finalStage("HEALTHCHECK");
        assertEquals(1, hc.size(), name);
        Matcher m = Pattern.compile("http://(127\\.0\\.0\\.1|localhost):(?:\\$\\{PORT:-(\\d+)}|(\\d+))/health\\b").matcher(hc.get(0).args());
        assertTrue(m.find(), name + " HEALTHCHECK must GET /health on the server's port: " + hc.get(0));
        assertEquals(String.valueOf(port), m.group(2) != null ? m.group(2) : m.group(3), name + " HEALTHCHECK port");
        assertTrue(hc.get(0).args().contains("CMD curl -f") || hc.get(0).args().contains("CMD wget"), hc.get(0).toString());
        assertTrue(d.all("RUN").stream().anyMatch(r -> r.stage() == hc.get(0).stage() && r.args().contains("install")
                && r.args().contains("curl")), name + ": the runtime image installs the curl its HEALTHCHECK runs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cpu"})
    void modelsLiveInAVolumeTheStoreUses(String name) throws Exception {
        DockerfileInstructions d = read(name);
        String dir = d.finalEnv().get("STT_MODELS_DIR");
        assertEquals("/models", dir, name + " ENV STT_MODELS_DIR");
        assertTrue(d.finalStage("VOLUME").stream().anyMatch(v -> v.words().contains(dir) || v.args().contains("\"" + dir + "\"")),
                name + ": VOLUME " + dir);
        assertTrue(d.finalStage("RUN").stream().anyMatch(r -> r.args().contains("chown") && r.args().contains(dir)),
                name + ": the non-root user must own " + dir + " to download into it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile", "Dockerfile.cpu"})
    void runsTheCopiedJarsServeCommandAsANonRootUser(String name) throws Exception {
        DockerfileInstructions d = read(name);
        ObjectMapper json = new ObjectMapper();
        List<String> entry = Arrays.asList(json.readValue(d.finalStage("ENTRYPOINT").get(0).args(), String[].class));
        List<String> cmd = Arrays.asList(json.readValue(d.finalStage("CMD").get(0).args(), String[].class));
        assertEquals("java", entry.get(0), name);
        int jar = entry.indexOf("-jar");
        assertTrue(entry.indexOf("-XX:+ExitOnOutOfMemoryError") > 0 && entry.indexOf("-XX:+ExitOnOutOfMemoryError") < jar,
                name + ": an OutOfMemoryError must end the JVM so the orchestrator restarts it: " + entry);
        assertTrue(jar > 0 && jar + 1 < entry.size(), name + " ENTRYPOINT runs a jar: " + entry);
        String jarPath = entry.get(jar + 1);
        assertTrue(d.finalStage("COPY").stream().anyMatch(c -> c.words().get(c.words().size() - 1).equals(jarPath)),
                name + ": ENTRYPOINT runs " + jarPath + " but no COPY puts it there");
        assertEquals(List.of("serve"), cmd, name + " CMD");
        List<Instruction> user = d.finalStage("USER");
        assertEquals(1, user.size(), name);
        assertFalse(user.get(0).args().equals("root") || user.get(0).args().equals("0"), name + " runs as root");
    }

    @Test
    void gpuImageIsCudaAndCpuImageIsNot() throws Exception {
        DockerfileInstructions gpu = read("Dockerfile");
        DockerfileInstructions cpu = read("Dockerfile.cpu");
        assertTrue(gpu.finalStage("FROM").get(0).args().matches("nvidia/cuda:12\\.[\\d.]+-cudnn-runtime-.*"),
                "ONNX Runtime GPU needs CUDA 12 with cuDNN: " + gpu.finalStage("FROM"));
        assertEquals("cuda", gpu.finalEnv().get("STT_DEVICE"));
        assertTrue(gpu.all("RUN").stream().anyMatch(r -> r.args().contains("./mvnw") && r.args().contains("-Pcuda")));
        assertEquals("cpu", cpu.finalEnv().get("STT_DEVICE"));
        assertTrue(cpu.all("RUN").stream().noneMatch(r -> r.args().contains("-Pcuda")));
    }

    @Test
    void cudaProfileTheGpuImageBuildsWithExists() throws Exception {
        // Maven only warns about an unknown profile, so a missing one would ship the CPU runtime silently.
        Set<String> cuda = Poms.profiles(REPO).get("cuda");
        assumeTrue(cuda != null, "no pom declares the 'cuda' profile yet (GPU issue)");
        assertTrue(cuda.contains("onnxruntime_gpu"), "the cuda profile must bring onnxruntime_gpu, it names " + cuda);
    }

    @Test
    void buildContextLeavesOutBuildOutputs() throws Exception {
        List<String> ignored = Files.readAllLines(REPO.resolve(".dockerignore")).stream().map(String::strip).toList();
        assertTrue(ignored.contains("**/target/") || ignored.contains("**/target"), ".dockerignore must drop target/: " + ignored);
        assertTrue(ignored.contains(".git/") || ignored.contains(".git"), ".dockerignore must drop .git: " + ignored);
    }
}
