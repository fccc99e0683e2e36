package dev.stt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s parsed into typed Kubernetes objects (fabric8's model) and checked against each other,
 * the Dockerfile and the server: ports, probes, GPU, drain time, model volume, autoscaling metric.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Repo.dir().resolve("deploy/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The Prometheus name of the server's {@code stt.sessions.active} gauge (micrometer turns dots into _). */
    private static final String SESSIONS_METRIC = "stt_sessions_active";

    private static <T> T load(String file, String apiVersion, String kind, Class<T> type) throws Exception {
        Path p = K8S.resolve(file);
        assertTrue(Files.isRegularFile(p), p + " is missing");
        JsonNode tree = YAML.readTree(p.toFile());
        assertEquals(apiVersion, tree.path("apiVersion").asText(), file + " apiVersion");
        assertEquals(kind, tree.path("kind").asText(), file + " kind");
        T typed = YAML.treeToValue(tree, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(typed, kind, unknown);
        assertEquals(List.of(), unknown, file + " has fields Kubernetes does not know (typos?)");
        return typed;
    }

    /** fabric8 keeps fields it does not know in additionalProperties; a typo in a manifest lands there. */
    private static void unknownFields(Object o, String path, List<String> out) throws Exception {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                unknownFields(x, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")
                || o instanceof Quantity || o instanceof IntOrString) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(v, path + "." + m.getName().substring(3), out);
        }
    }

    private static Deployment deployment() throws Exception {
        return load("deployment.yaml", "apps/v1", "Deployment", Deployment.class);
    }

    private static Container server(Deployment d) {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, cs.size(), "one server container");
        return cs.get(0);
    }

    private static ContainerPort httpPort(Container c) {
        assertEquals(1, c.getPorts().size(), "one container port");
        return c.getPorts().get(0);
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static int resolvePort(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).mapToInt(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    @Test
    void deploymentListensOnTheDefaultPortWithHostPortAndDeviceFromEnv() throws Exception {
        Container c = server(deployment());
        int port = Repo.defaultPort();
        assertEquals(port, httpPort(c).getContainerPort());
        assertEquals(String.valueOf(port), env(c, "PORT"));
        assertEquals("0.0.0.0", env(c, "HOST"));
        assertEquals("cuda", env(c, "STT_DEVICE"));
        assertTrue(String.valueOf(env(c, "JAVA_TOOL_OPTIONS")).contains("-XX:+ExitOnOutOfMemoryError"),
                "an OutOfMemoryError must end the JVM so the kubelet restarts the container");
        DockerfileInstructions docker = DockerfileInstructions.read(Repo.dir().resolve("Dockerfile"));
        assertEquals(String.valueOf(httpPort(c).getContainerPort()), docker.finalStage("EXPOSE").get(0).args(),
                "the Deployment's port is the one the image EXPOSEs");
        assertEquals(List.of("serve"), c.getArgs());
    }

    @Test
    void probesAreReadyAndHealthOnTheServerPort() throws Exception {
        Container c = server(deployment());
        HTTPGetAction ready = c.getReadinessProbe().getHttpGet();
        HTTPGetAction live = c.getLivenessProbe().getHttpGet();
        assertEquals("/ready", ready.getPath());
        assertEquals("/health", live.getPath());
        assertEquals(Repo.defaultPort(), resolvePort(ready.getPort(), c));
        assertEquals(Repo.defaultPort(), resolvePort(live.getPort(), c));
    }

    @Test
    void oneGpuIsLimitedAndRequested() throws Exception {
        Container c = server(deployment());
        Quantity gpu = c.getResources().getLimits().get("nvidia.com/gpu");
        assertNotNull(gpu, "limits must name nvidia.com/gpu");
        assertEquals("1", gpu.getAmount());
        assertNotNull(c.getResources().getRequests().get("memory"), "a memory request for scheduling");
    }

    @Test
    void gracePeriodCoversPreStopAndTheServersDrain() throws Exception {
        Deployment d = deployment();
        Container c = server(d);
        ConfigMap cm = load("configmap.yaml", "v1", "ConfigMap", ConfigMap.class);
        int drain = Integer.parseInt(cm.getData().getOrDefault("STT_DRAIN_S", String.valueOf(Repo.defaultDrainSeconds())));
        List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0));
        int sleep = Integer.parseInt(preStop.get(1));
        long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(grace > sleep + drain, "grace " + grace + " s must exceed preStop " + sleep + " s + drain " + drain + " s");
        assertTrue(grace <= sleep + drain + 30, "grace " + grace + " s should match the drain (" + drain + " s), not dwarf it");
    }

    @Test
    void modelsVolumeIsMountedWhereTheStoreLooks() throws Exception {
        Deployment d = deployment();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        ConfigMap cm = load("configmap.yaml", "v1", "ConfigMap", ConfigMap.class);
        String modelsDir = cm.getData().get("STT_MODELS_DIR");
        assertEquals("/models", modelsDir);
        for (Container c : Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).toList()) {
            assertTrue(c.getEnvFrom().stream().anyMatch(e -> e.getConfigMapRef() != null
                    && cm.getMetadata().getName().equals(e.getConfigMapRef().getName())), c.getName() + " reads " + cm.getMetadata().getName());
            VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(modelsDir)).findFirst()
                    .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + modelsDir));
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            assertTrue(v.getEmptyDir() != null || v.getPersistentVolumeClaim() != null, "models volume is an emptyDir or a PVC");
        }
        Container init = pod.getInitContainers().get(0);
        assertEquals(List.of("models", "pull", "$(STT_MODEL)", "silero-vad"), init.getArgs(), "the init container fetches the models");
        assertEquals(server(d).getImage(), init.getImage(), "init container runs the server's image");
    }

    @Test
    void serviceSelectsThePodsAndForwardsToTheServerPort() throws Exception {
        Deployment d = deployment();
        Service s = load("service.yaml", "v1", "Service", Service.class);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()), "Service selects the Deployment's pods");
        assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector());
        ServicePort p = s.getSpec().getPorts().get(0);
        assertEquals(Repo.defaultPort(), p.getPort());
        assertEquals(Repo.defaultPort(), resolvePort(p.getTargetPort(), server(d)));
    }

    @Test
    void autoscalerTargetsTheDeploymentOnActiveSessionsPerPod() throws Exception {
        Deployment d = deployment();
        HorizontalPodAutoscaler hpa = load("hpa.yaml", "autoscaling/v2", "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("apps/v1", hpa.getSpec().getScaleTargetRef().getApiVersion());
        assertEquals(d.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertEquals(1, metrics.size());
        assertEquals("Pods", metrics.get(0).getType());
        assertEquals(SESSIONS_METRIC, metrics.get(0).getPods().getMetric().getName());
        assertEquals("AverageValue", metrics.get(0).getPods().getTarget().getType());
        // Scale out before pods hit their session limit, or new sessions are refused first.
        ConfigMap cm = load("configmap.yaml", "v1", "ConfigMap", ConfigMap.class);
        double target = Double.parseDouble(metrics.get(0).getPods().getTarget().getAverageValue().getAmount());
        int maxSessions = Integer.parseInt(cm.getData().get("STT_MAX_SESSIONS"));
        assertTrue(target < maxSessions, "target " + target + " sessions per pod must be below STT_MAX_SESSIONS " + maxSessions);
    }

    @Test
    void podsAreScrapedWhereTheServerServesMetrics() throws Exception {
        Map<String, String> a = deployment().getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("true", a.get("prometheus.io/scrape"));
        assertEquals(String.valueOf(Repo.defaultPort()), a.get("prometheus.io/port"));
        assertEquals("/metrics", a.get("prometheus.io/path"));
    }

    @Test
    void kustomizationListsEveryManifest() throws Exception {
        JsonNode k = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        k.path("resources").forEach(r -> listed.add(r.asText()));
        List<String> files;
        try (Stream<Path> s = Files.list(K8S)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .sorted().toList();
        }
        assertEquals(files, listed.stream().sorted().toList(), "kustomization.yaml resources");
        assertEquals(server(deployment()).getImage().split(":")[0], k.path("images").get(0).path("name").asText(),
                "kustomize's image override names the Deployment's image");
    }
}
