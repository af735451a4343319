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
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

import io.provisioner.schemas.Topics;
import io.provisioner.worker.progress.ProgressTable;

/**
 * The Kafka security shipped in {@code deploy/kafka}: every topic has exactly the writers and readers the
 * code needs (only the gateway writes requests, only the worker writes status), the cluster authenticates
 * and authorizes every client, and the client settings, given as environment variables, reach every
 * Kafka client the apps build.
 */
class KafkaSecurityManifestTest {

    private static final Path DEPLOY = Path.of("..", "deploy", "kafka");
    private static final String GATEWAY = "provisioner-gateway";
    private static final String WORKER = "provisioner-worker";
    private static final String INTEGRATION = "provisioner-integration";

    private static List<Map<String, Object>> documents(String file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(DEPLOY.resolve(file))) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            current = current == null ? null : map(current).get(key);
        }
        return current;
    }

    /** What the code reads and writes, by principal: topic or group -> operations. */
    private static Map<String, Map<String, Set<String>>> needed() {
        List<String> workerConsumed = new ArrayList<>(List.of(Topics.REQUESTS));
        workerConsumed.addAll(Topics.pollTopics());
        List<String> deadLetters = new ArrayList<>();
        for (String topic : workerConsumed) {
            deadLetters.add(topic + Topics.DEAD_LETTER_SUFFIX);
        }
        deadLetters.add(ProgressTable.TOPIC + Topics.DEAD_LETTER_SUFFIX);

        Map<String, Set<String>> gateway = new TreeMap<>();
        gateway.put("topic:" + Topics.REQUESTS, Set.of("Write", "Describe"));
        gateway.put("topic:" + Topics.STATUS, Set.of("Read", "Describe"));
        gateway.put("topic:" + Topics.STATUS + Topics.DEAD_LETTER_SUFFIX, Set.of("Write", "Read", "Describe"));
        deadLetters.forEach(topic -> gateway.put("topic:" + topic, Set.of("Read", "Describe")));
        gateway.put("group:provisioner-gateway", Set.of("Read"));
        gateway.put("topic:" + Topics.ORPHAN_MITIGATIONS, Set.of("Read", "Describe"));
        gateway.put("topic:" + Topics.ORPHAN_MITIGATIONS + Topics.DEAD_LETTER_SUFFIX, Set.of("Write", "Read", "Describe"));
        gateway.put("group:provisioner-gateway-orphan-mitigations", Set.of("Read"));
        gateway.put("group:dead-letter-reader", Set.of("Read"));
        gateway.put("group:dead-letter-replay", Set.of("Read"));
        gateway.put("topic:" + Topics.EVENTS, Set.of("Write", "Read", "Describe"));
        gateway.put("topic:" + Topics.COMMANDS, Set.of("Read", "Describe"));
        gateway.put("topic:" + Topics.COMMANDS + Topics.DEAD_LETTER_SUFFIX, Set.of("Write", "Read", "Describe"));
        gateway.put("group:provisioner-gateway-commands", Set.of("Read"));

        Map<String, Set<String>> worker = new TreeMap<>();
        worker.put("topic:" + Topics.REQUESTS, Set.of("Read", "Describe"));
        worker.put("topic:" + Topics.STATUS, Set.of("Write", "Describe"));
        worker.put("topic:" + Topics.ORPHAN_MITIGATIONS, Set.of("Write", "Describe"));
        Topics.pollTopics().forEach(topic -> worker.put("topic:" + topic, Set.of("Read", "Write", "Describe")));
        worker.put("topic:" + ProgressTable.TOPIC, Set.of("Read", "Write", "Describe"));
        deadLetters.forEach(topic -> worker.put("topic:" + topic, Set.of("Write", "Describe")));
        worker.put("group:provisioner-worker", Set.of("Read"));
        worker.put("group:provisioner-worker-polls", Set.of("Read"));
        Map<String, Set<String>> integration = new TreeMap<>();
        integration.put("topic:" + Topics.COMMANDS, Set.of("Write", "Describe"));
        integration.put("topic:" + Topics.EVENTS, Set.of("Read", "Describe"));
        integration.put("group:provisioner-integration", Set.of("Read"));
        return Map.of(GATEWAY, gateway, WORKER, worker, INTEGRATION, integration);
    }

    @Test
    void eachAppHasExactlyTheTopicAndGroupPermissionsItNeeds() throws IOException {
        Set<String> topics = new TreeSet<>();
        for (Map<String, Object> topic : documents("topics.yaml")) {
            topics.add((String) at(topic, "spec", "topicName"));
        }
        Map<String, Map<String, Set<String>>> granted = new HashMap<>();
        for (Map<String, Object> user : documents("users.yaml")) {
            assertThat(user.get("kind")).isEqualTo("KafkaUser");
            String name = (String) at(user, "metadata", "name");
            assertThat(at(user, "metadata", "labels", "strimzi.io/cluster")).as(name).isEqualTo("provisioner");
            assertThat(at(user, "spec", "authentication", "type")).as(name).isEqualTo("scram-sha-512");
            assertThat(at(user, "spec", "authorization", "type")).as(name).isEqualTo("simple");
            Map<String, Set<String>> acls = new TreeMap<>();
            for (Object entry : list(at(user, "spec", "authorization", "acls"))) {
                Map<String, Object> acl = map(entry);
                String type = (String) at(acl, "resource", "type");
                String resource = (String) at(acl, "resource", "name");
                assertThat(at(acl, "resource", "patternType")).as(name + " " + resource).isEqualTo("literal");
                assertThat(type).as(name + " " + resource).isIn("topic", "group");
                if (type.equals("topic")) {
                    assertThat(topics).as(name + ": an ACL on a topic that topics.yaml declares").contains(resource);
                }
                Set<String> operations = new TreeSet<>();
                list(acl.get("operations")).forEach(o -> operations.add((String) o));
                assertThat(acls.put(type + ":" + resource, operations)).as(name + " " + resource + " once").isNull();
            }
            granted.put(name, acls);
        }
        assertThat(granted).isEqualTo(needed());
        Set<String> covered = new TreeSet<>();
        granted.values().forEach(acls -> acls.keySet().stream().filter(k -> k.startsWith("topic:"))
                .forEach(k -> covered.add(k.substring("topic:".length()))));
        assertThat(covered).as("every declared topic is used by someone").isEqualTo(topics);
    }

    @Test
    void onlyTheGatewayWritesRequestsAndOnlyTheWorkerWritesStatus() throws IOException {
        Map<String, Set<String>> writers = new TreeMap<>();
        for (Map<String, Object> user : documents("users.yaml")) {
            for (Object entry : list(at(user, "spec", "authorization", "acls"))) {
                Map<String, Object> acl = map(entry);
                if (list(acl.get("operations")).contains("Write") || list(acl.get("operations")).contains("All")) {
                    writers.computeIfAbsent((String) at(acl, "resource", "name"), t -> new TreeSet<>())
                            .add((String) at(user, "metadata", "name"));
                }
            }
        }
        assertThat(writers.get(Topics.REQUESTS)).containsExactly(GATEWAY);
        assertThat(writers.get(Topics.STATUS)).containsExactly(WORKER);
        Topics.pollTopics().forEach(topic -> assertThat(writers.get(topic)).containsExactly(WORKER));
        assertThat(writers.get(Topics.EVENTS)).as("the public events come from the gateway's outbox alone")
                .containsExactly(GATEWAY);
        assertThat(writers.get(Topics.COMMANDS)).containsExactly(INTEGRATION);
    }

    @Test
    void theClusterAuthenticatesAndAuthorizesEveryClientOverTls() throws IOException {
        Map<String, Object> kafka = documents("cluster.yaml").get(0);
        assertThat(kafka.get("kind")).isEqualTo("Kafka");
        assertThat(at(kafka, "metadata", "name")).isEqualTo("provisioner");
        List<Object> listeners = list(at(kafka, "spec", "kafka", "listeners"));
        assertThat(listeners).isNotEmpty().allSatisfy(entry -> {
            Map<String, Object> listener = map(entry);
            assertThat(listener.get("tls")).as("listener " + listener.get("name")).isEqualTo(true);
            assertThat(at(listener, "authentication", "type")).as("listener " + listener.get("name"))
                    .isEqualTo("scram-sha-512");
        });
        assertThat(at(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat(at(kafka, "spec", "kafka", "config", "allow.everyone.if.no.acl.found")).isEqualTo(false);
        assertThat(at(kafka, "spec", "kafka", "config", "auto.create.topics.enable")).isEqualTo(false);

        Map<String, Object> data = map(at(documents("clients.yaml").get(0), "data"));
        int port = (Integer) map(listeners.get(0)).get("port");
        assertThat((String) data.get("KAFKA_BOOTSTRAP_SERVERS")).endsWith(":" + port);
    }

    @Test
    void theClientSettingsReachEveryKafkaClientAsSpringKafkaProperties() throws IOException {
        Map<String, Object> env = new HashMap<>(map(at(documents("clients.yaml").get(0), "data")));
        env.put("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        // In place of this process's environment: what the container gets (Boot maps env names by this name).
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        KafkaProperties kafka = new Binder(ConfigurationPropertySources.get(environment))
                .bind("spring.kafka", KafkaProperties.class).orElseGet(KafkaProperties::new);

        for (Map<String, Object> client : List.of(kafka.buildProducerProperties(), kafka.buildConsumerProperties(),
                kafka.buildAdminProperties())) {
            assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", env.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .containsEntry("ssl.truststore.type", "PEM");
            assertThat(String.valueOf(client.get("ssl.truststore.location"))).endsWith("ca.crt");
        }
        assertThat(kafka.getAdmin().isAutoCreate()).isFalse();
        assertThat(env).containsKey("KAFKA_BOOTSTRAP_SERVERS");
    }
}
