package dev.stt.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stt.eval.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/spark/docker-compose.yml cannot be run where this is built (no Docker): its structure is checked
 * instead: a master and two workers from the official image at our Spark version, and a submit service that
 * runs BatchJob from the jar this module's pom builds.
 */
class SparkComposeFileTest {

    private static final Path REPO = TestData.repoDir();

    @Test
    void aMasterTwoWorkersAndASubmitOfOurJar() throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory())
                .readTree(REPO.resolve("deploy/spark/docker-compose.yml").toFile()).path("services");
        List<String> workers = new ArrayList<>();
        services.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("spark-worker")) {
                workers.add(n);
            }
        });
        assertEquals(2, workers.size(), "two workers");
        String sparkVersion = property(Files.readString(REPO.resolve("pom.xml")), "spark.version");
        for (String name : List.of("spark-master", workers.get(0), workers.get(1), "submit")) {
            JsonNode s = services.path(name);
            assertTrue(s.path("image").asText().contains("apache/spark:" + sparkVersion), name + " image " + s.path("image"));
        }
        assertTrue(services.path("spark-master").path("command").toString().contains("deploy.master.Master"));
        for (String w : workers) {
            assertTrue(services.path(w).path("command").toString().contains("spark://spark-master:7077"), w);
        }
        String submit = services.path("submit").path("command").toString();
        assertTrue(submit.contains("dev.stt.spark.BatchJob"), submit);
        assertTrue(submit.contains("/opt/stt/stt-spark.jar"), submit);
        // the jar is what this module's pom shades, mounted from stt-spark/target
        assertTrue(Files.readString(REPO.resolve("stt-spark/pom.xml")).contains("<finalName>stt-spark</finalName>"));
        assertTrue(services.path("submit").path("volumes").toString().contains("stt-spark/target:/opt/stt"));
    }

    private static String property(String pom, String name) {
        int i = pom.indexOf("<" + name + ">");
        return pom.substring(i + name.length() + 2, pom.indexOf("</" + name + ">", i));
    }
}
