package io.provisioner.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

import io.provisioner.schemas.Topics;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * The shipped Kafka security against a real broker: SCRAM-SHA-512 authentication and the standard
 * authorizer, loaded with the users and ACLs of {@code deploy/kafka/users.yaml}. The clients are built as
 * the apps build theirs, from Spring Boot's Kafka properties set by the variables of
 * {@code deploy/kafka/clients.yaml} (without TLS: the broker here speaks SASL_PLAINTEXT).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScramAclBrokerTest {

    private static final Path DEPLOY = Path.of("..", "deploy", "kafka");
    private static final String PASSWORD_GATEWAY = "gateway-" + Uuid.randomUuid();
    private static final String PASSWORD_WORKER = "worker-" + Uuid.randomUuid();

    private KafkaRaftServer server;
    private int saslPort;

    @BeforeAll
    void start() throws Exception {
        Path logDir = Files.createTempDirectory(Path.of("target"), "scram-kafka-");
        int plain = freePort();
        int controller = freePort();
        saslPort = freePort();
        Properties p = LocalKafkaBroker.brokerProperties(logDir, plain, controller, 1);
        // The broker's own connections (inter-broker, controller) stay on loopback PLAINTEXT as the super-user;
        // clients come in over SASL.
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                + ",CONTROLLER://127.0.0.1:" + controller);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("auto.create.topics.enable", "false");
        new Formatter().setPrintStream(new PrintStream(PrintStream.nullOutputStream())).setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString()).setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(logDir.toString()).addDirectory(logDir.toString()).run();
        server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plain))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Map<String, Object> topic : documents("topics.yaml")) {
                topics.add(new NewTopic((String) at(topic, "spec", "topicName"), 1, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("provisioner-gateway",
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD_GATEWAY),
                    new UserScramCredentialUpsertion("provisioner-worker",
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD_WORKER)))
                    .all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls()).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

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

    private static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            current = current == null ? null : map(current).get(key);
        }
        return current;
    }

    /** Strimzi writes {@code topic}, {@code literal}, {@code Write}; Kafka's enums are upper case. */
    private static String upper(Object value) {
        return String.valueOf(value).toUpperCase(java.util.Locale.ROOT);
    }

    /** The KafkaUsers' ACLs as the User Operator would create them. */
    private static List<AclBinding> acls() throws IOException {
        List<AclBinding> bindings = new ArrayList<>();
        for (Map<String, Object> user : documents("users.yaml")) {
            String principal = "User:" + at(user, "metadata", "name");
            for (Object entry : (List<?>) at(user, "spec", "authorization", "acls")) {
                Map<String, Object> acl = map(entry);
                ResourceType type = ResourceType.fromString(upper(at(acl, "resource", "type")));
                ResourcePattern pattern = new ResourcePattern(type, (String) at(acl, "resource", "name"),
                        PatternType.fromString(upper(at(acl, "resource", "patternType"))));
                for (Object operation : (List<?>) acl.get("operations")) {
                    bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, "*",
                            AclOperation.fromString(upper(operation)), AclPermissionType.ALLOW)));
                }
            }
        }
        return bindings;
    }

    /** Spring Boot's Kafka properties from clients.yaml's variables, as one app's container gets them. */
    private KafkaProperties springKafka(String user, String password) throws IOException {
        Map<String, Object> env = new HashMap<>(map(at(documents("clients.yaml").get(0), "data")));
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + saslPort);
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + saslPort);
        env.put("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.remove("SPRING_KAFKA_SSL_TRUST_STORE_TYPE");
        env.remove("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION");
        env.put("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"" + user + "\" password=\"" + password + "\";");
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return new Binder(ConfigurationPropertySources.get(environment)).bind("spring.kafka", KafkaProperties.class)
                .get();
    }

    private KafkaProducer<String, String> producer(String user, String password) throws IOException {
        Map<String, Object> config = new HashMap<>(springKafka(user, password).buildProducerProperties());
        config.put("max.block.ms", 10_000);
        config.put("delivery.timeout.ms", 10_000);
        config.put("request.timeout.ms", 5_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String user, String password, String group) throws IOException {
        Map<String, Object> config = new HashMap<>(springKafka(user, password).buildConsumerProperties());
        config.put("group.id", group);
        config.put("auto.offset.reset", "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, "instance-1", value)).get(20, TimeUnit.SECONDS);
    }

    private static String readOne(KafkaConsumer<String, String> consumer, String topic) {
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                return record.value();
            }
        }
        throw new AssertionError("nothing read from " + topic);
    }

    @Test
    void eachAppDoesItsPartAndNothingElse() throws Exception {
        try (KafkaProducer<String, String> gateway = producer("provisioner-gateway", PASSWORD_GATEWAY);
                KafkaProducer<String, String> worker = producer("provisioner-worker", PASSWORD_WORKER)) {
            send(gateway, Topics.REQUESTS, "create");
            send(worker, Topics.STATUS, "succeeded");
            send(worker, Topics.pollTopics().get(0), "poll");

            assertThatThrownBy(() -> send(gateway, Topics.STATUS, "forged")).as("the gateway writing status")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProducer<String, String> worker = producer("provisioner-worker", PASSWORD_WORKER)) {
            assertThatThrownBy(() -> send(worker, Topics.REQUESTS, "forged")).as("the worker writing requests")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> worker = consumer("provisioner-worker", PASSWORD_WORKER, "provisioner-worker");
                KafkaConsumer<String, String> gateway = consumer("provisioner-gateway", PASSWORD_GATEWAY,
                        "provisioner-gateway")) {
            assertThat(readOne(worker, Topics.REQUESTS)).isEqualTo("create");
            assertThat(readOne(gateway, Topics.STATUS)).isEqualTo("succeeded");
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        try (KafkaProducer<String, String> stranger = producer("provisioner-gateway", "guess")) {
            assertThatThrownBy(() -> send(stranger, Topics.REQUESTS, "forged"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
