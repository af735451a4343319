package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.provisioner.schemas.Topics;

/**
 * Every manifest in {@code deploy/} agrees with the applications: container ports and probe paths with
 * the apps' configuration, environment variables with what the apps read, secrets with what the
 * operators make, metric names with the README's table, topics and consumer groups with {@code schemas/}
 * and the apps' settings, the PrometheusRule with the alert rules, and Kustomize's lists with the files.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = RealPrometheus.DEPLOY;
    private static final Path ROOT = DEPLOY.getParent();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** An app as its own configuration file describes it. */
    record App(String name, String image, String configFile, String portVariable, Map<String, String> variables) {

        int port() {
            return Integer.parseInt(variables.get(portVariable));
        }
    }

    private static App app(String name, String module, String configFile, String portVariable) throws IOException {
        String config = Files.readString(ROOT.resolve(module + "/src/main/resources/" + configFile));
        Map<String, String> variables = new HashMap<>();
        Matcher matcher = PLACEHOLDER.matcher(config);
        while (matcher.find()) {
            variables.put(matcher.group(1), matcher.group(2));
        }
        assertThat(config).as(configFile + " exposes health probes and Prometheus")
                .containsPattern("probes:\\s+enabled: true").containsPattern("include: .*health.*")
                .containsPattern("include: .*prometheus.*");
        return new App(name, "provisioner/" + module, configFile, portVariable, variables);
    }

    private static final App[] APPS;

    static {
        try {
            APPS = new App[] {app("gateway", "api-gateway", "gateway.yml", "GATEWAY_PORT"),
                    app("worker", "provisioner-worker", "worker.yml", "WORKER_PORT")};
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Variables the apps read through Spring's relaxed binding rather than a placeholder. */
    private static boolean springVariable(String name) {
        return name.startsWith("SPRING_KAFKA_") || name.equals("LOGGING_STRUCTURED_FORMAT_CONSOLE")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("KAFKA_BOOTSTRAP_SERVERS");
    }

    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        }
        return documents;
    }

    private static List<Map<String, Object>> allManifests() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                all.addAll(documents(file));
            }
        }
        return all;
    }

    private static Map<String, Object> kind(String kind, String name) throws IOException {
        return allManifests().stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            current = current == null ? null : map(current).get(key);
        }
        return current;
    }

    @Test
    void eachDeploymentListensProbesAndIsConfiguredAsItsAppExpects() throws IOException {
        for (App app : APPS) {
            Map<String, Object> deployment = kind("Deployment", "provisioner-" + app.name());
            Map<String, Object> container = list(at(deployment, "spec", "template", "spec", "containers")).get(0);
            assertThat((String) container.get("image")).isEqualTo(app.image() + ":0.1.0");
            Map<String, Object> port = list(container.get("ports")).get(0);
            assertThat(port).containsEntry("name", "http").containsEntry("containerPort", app.port());
            assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
            assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertThat(at(container, probe, "httpGet", "port")).isEqualTo("http");
            }

            Map<String, String> environment = new HashMap<>();
            for (Map<String, Object> source : list(container.get("envFrom"))) {
                String configMap = (String) at(source, "configMapRef", "name");
                map(kind("ConfigMap", configMap).get("data")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
            }
            for (Map<String, Object> variable : list(container.get("env"))) {
                environment.put((String) variable.get("name"), "from a secret");
            }
            for (String name : environment.keySet()) {
                assertThat(app.variables().containsKey(name) || springVariable(name))
                        .as(app.name() + " reads " + name).isTrue();
            }
            assertThat(environment.get(app.portVariable())).isEqualTo(String.valueOf(app.port()));
            // What has no default must be given.
            app.variables().forEach((name, fallback) -> {
                if (fallback == null || fallback.isEmpty() && name.equals("PROVISIONER_SECRET_KEY")) {
                    assertThat(environment).as(app.name() + " needs " + name).containsKey(name);
                }
            });
            assertThat(environment).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "PROVISIONER_SECRET_KEY");

            Map<String, Object> service = kind("Service", "provisioner-" + app.name());
            assertThat(list(at(service, "spec", "ports")).get(0)).containsEntry("name", "http").containsEntry("targetPort", "http");
            assertThat(at(service, "spec", "selector")).isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
            assertThat(at(kind("PodDisruptionBudget", "provisioner-" + app.name()), "spec", "selector", "matchLabels"))
                    .isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        }
        Map<String, Object> gatewayDb = kind("ConfigMap", "provisioner-gateway-config");
        Map<String, Object> database = kind("Cluster", "provisioner-db");
        assertThat((String) at(gatewayDb, "data", "PROVISIONER_DB_URL"))
                .isEqualTo("jdbc:postgresql://provisioner-db-rw:5432/" + at(database, "spec", "bootstrap", "initdb", "database"));
    }

    @Test
    void everySecretReferenceNamesASecretSomeoneMakes() throws IOException {
        Set<String> made = new TreeSet<>(Set.of("provisioner-secrets", "provisioner-worker-keda"));
        for (Map<String, Object> document : allManifests()) {
            String name = (String) at(document, "metadata", "name");
            switch (String.valueOf(document.get("kind"))) {
                case "Cluster" -> made.add(name + "-app"); // CloudNativePG
                case "KafkaUser" -> made.add(name); // Strimzi: the user's credentials
                case "Kafka" -> made.add(name + "-cluster-ca-cert"); // Strimzi: the cluster CA
                default -> { }
            }
        }
        List<String> referenced = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DEPLOY.resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.contains("secretKeyRef") || line.contains("secretName") || line.contains("secretTargetRef")
                            || line.contains("parameter:")) {
                        Matcher matcher = Pattern.compile("(?:secretName|name): ([a-z0-9-]+)").matcher(line);
                        while (matcher.find()) {
                            referenced.add(matcher.group(1));
                        }
                    }
                }
            }
        }
        assertThat(referenced).isNotEmpty().allSatisfy(name -> assertThat(made).contains(name));
        assertThat(made).contains("provisioner-db-app", "provisioner-gateway", "provisioner-worker",
                "provisioner-cluster-ca-cert");
    }

    @Test
    void theWorkerScalesOnTheRequestGroupUpToThePartitionCount() throws IOException {
        Map<String, Object> scaled = kind("ScaledObject", "provisioner-worker");
        Map<String, Object> trigger = list(at(scaled, "spec", "triggers")).get(0);
        String workerConfig = Files.readString(ROOT.resolve("provisioner-worker/src/main/resources/worker.yml"));
        assertThat(workerConfig).contains("group-id: " + at(trigger, "metadata", "consumerGroup"));
        assertThat(at(trigger, "metadata", "topic")).isEqualTo(Topics.REQUESTS);
        assertThat(at(trigger, "metadata", "bootstrapServers"))
                .isEqualTo(at(kind("ConfigMap", "provisioner-kafka-client"), "data", "KAFKA_BOOTSTRAP_SERVERS"));
        Map<String, Object> requests = allManifests().stream()
                .filter(d -> "KafkaTopic".equals(d.get("kind")) && Topics.REQUESTS.equals(at(d, "spec", "topicName")))
                .findFirst().orElseThrow();
        assertThat(at(scaled, "spec", "maxReplicaCount")).isEqualTo(at(requests, "spec", "partitions"));
        assertThat(at(scaled, "spec", "scaleTargetRef", "name")).isEqualTo("provisioner-worker");
        Map<String, Object> hpa = kind("HorizontalPodAutoscaler", "provisioner-gateway");
        assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo("provisioner-gateway");
        // Every KafkaTopic is a topic the code knows.
        Set<String> known = new TreeSet<>(Topics.pollTopics());
        known.addAll(List.of(Topics.REQUESTS, Topics.STATUS, Topics.ORPHAN_MITIGATIONS, Topics.COMMANDS, Topics.EVENTS,
                io.provisioner.worker.progress.ProgressTable.TOPIC));
        for (String topic : Set.copyOf(known)) {
            known.add(topic + Topics.DEAD_LETTER_SUFFIX);
        }
        allManifests().stream().filter(d -> "KafkaTopic".equals(d.get("kind")))
                .forEach(topic -> assertThat(known).contains((String) at(topic, "spec", "topicName")));
    }

    @Test
    void prometheusScrapesBothAppsAndCarriesExactlyTheAlertRules() throws IOException {
        Map<String, Object> monitor = kind("ServiceMonitor", "provisioner");
        Map<String, Object> endpoint = list(at(monitor, "spec", "endpoints")).get(0);
        assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/actuator/prometheus");
        Map<String, Object> rule = kind("PrometheusRule", "provisioner");
        Map<String, Object> alerts = documents(RealPrometheus.ALERTS).get(0);
        assertThat(rule.get("spec")).isEqualTo(alerts);
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsInTheReadmeTable() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b(provisioner_[a-z_]+|resilience4j_[a-z_]+|kafka_consumer_[a-z_]+|hikaricp_[a-z_]+)");
        for (String text : List.of(Files.readString(RealPrometheus.ALERTS), Files.readString(MonitoringQueries.DASHBOARD))) {
            Matcher matcher = metric.matcher(text);
            while (matcher.find()) {
                used.add(matcher.group(1).replaceAll("_(bucket|count|sum)$", ""));
            }
        }
        Set<String> documented = new TreeSet<>();
        List<String> wildcards = new ArrayList<>();
        Matcher names = Pattern.compile("`([a-z0-9_]+?)(\\*?)`").matcher(readme);
        while (names.find()) {
            if (names.group(2).isEmpty()) {
                documented.add(names.group(1));
            } else {
                wildcards.add(names.group(1));
            }
        }
        assertThat(used).hasSizeGreaterThan(20).allSatisfy(name -> assertThat(documented.contains(name)
                || wildcards.stream().anyMatch(name::startsWith)).as(name + " in README's metrics table").isTrue());
    }

    @Test
    void kustomizeListsEveryFileAndTheComposeFileMatchesTheApps() throws IOException {
        for (Path kustomization : List.of(DEPLOY.resolve("k8s/base/kustomization.yaml"),
                DEPLOY.resolve("k8s/overlays/production/kustomization.yaml"), DEPLOY.resolve("kafka/kustomization.yaml"),
                DEPLOY.resolve("grafana/kustomization.yaml"))) {
            Map<String, Object> document = documents(kustomization).get(0);
            @SuppressWarnings("unchecked")
            List<String> resources = (List<String>) document.getOrDefault("resources", List.of());
            for (String resource : resources) {
                assertThat(kustomization.resolveSibling(resource)).as(kustomization + " lists " + resource).exists();
            }
            for (Map<String, Object> patch : list(document.get("patches"))) {
                assertThat(kustomization.resolveSibling((String) patch.get("path"))).exists();
            }
        }
        try (Stream<Path> base = Files.list(DEPLOY.resolve("k8s/base"))) {
            String listed = Files.readString(DEPLOY.resolve("k8s/base/kustomization.yaml"));
            base.map(f -> f.getFileName().toString()).filter(f -> !f.equals("kustomization.yaml"))
                    .forEach(f -> assertThat(listed).contains("- " + f));
        }

        Map<String, Object> compose = documents(DEPLOY.resolve("docker/compose.yaml")).get(0);
        for (App app : APPS) {
            Map<String, Object> service = map(at(compose, "services", app.name()));
            assertThat((String) service.get("image")).isEqualTo(app.image() + ":0.1.0");
            for (String name : map(service.get("environment")).keySet()) {
                assertThat(app.variables().containsKey(name) || springVariable(name)).as(app.name() + " reads " + name).isTrue();
            }
            assertThat(map(service.get("environment")).get(app.portVariable())).isEqualTo(String.valueOf(app.port()));
            assertThat(list(service.get("ports")).toString()).contains(app.port() + ":" + app.port());
        }
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        for (App app : APPS) {
            String module = app.image().substring("provisioner/".length());
            assertThat(ROOT.resolve(module + "/pom.xml")).exists();
            assertThat(dockerfile).contains("--build-arg APP=" + module + " -t " + app.image() + ":0.1.0");
            assertThat(dockerfile).contains(module + " " + app.port());
        }
    }
}
