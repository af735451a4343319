package io.provisioner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.schemas.Topics;

/**
 * What another system does against a running stack, as the README's "Integrating over Kafka" shows it: a
 * client token from the local issuer (client_credentials), commands produced on
 * {@code service-instance.commands}, and {@code service-instance.events} consumed, each event checked
 * against the public schema.
 */
final class KafkaIntegration implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema INSTANCE_EVENT = SCHEMAS.getSchema(
            SchemaLocation.of("classpath:schemas/v1/service-instance-event.schema.json"));
    private static final Schema KEY_EVENT = SCHEMAS.getSchema(
            SchemaLocation.of("classpath:schemas/v1/service-key-event.schema.json"));

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final String token;
    private final Map<String, List<JsonNode>> events = new LinkedHashMap<>();
    private final List<String> invalid = new ArrayList<>();

    KafkaIntegration(String bootstrapServers, String gatewayUrl) {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "group.id", "integration-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.EVENTS));
        token = clientToken(gatewayUrl);
    }

    private static String clientToken(String gatewayUrl) {
        HttpRequest login = HttpRequest.newBuilder(URI.create(gatewayUrl + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((LocalStack.INTEGRATION_CLIENT
                        + ":" + LocalStack.INTEGRATION_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(login, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("client login failed: " + answer.statusCode() + " " + answer.body());
            }
            return JSON.readTree(answer.body()).get("access_token").asString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a command (CloudEvents structured mode) keyed by the instance guid, with the client's token. */
    void send(String id, String type, String guid, Map<String, Object> data) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("specversion", "1.0");
        command.put("id", id);
        command.put("type", type);
        command.put("source", "/end-to-end-test");
        command.put("subject", guid);
        command.put("datacontenttype", "application/json");
        command.put("data", data);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.COMMANDS, guid, JSON.writeValueAsString(command));
        record.headers().add("authorization", ("bearer " + token).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The events of an instance received so far, after reading what has arrived. */
    synchronized List<JsonNode> events(String guid) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            JsonNode event = JSON.readTree(record.value());
            // The topic also carries the instances' service key events, under a schema of their own.
            Schema schema = event.path("type").asString("").startsWith("io.provisioner.service-key.") ? KEY_EVENT
                    : INSTANCE_EVENT;
            if (!schema.validate(event).isEmpty()) {
                invalid.add(schema.validate(event) + " in " + event);
            }
            events.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event);
        }
        return List.copyOf(events.getOrDefault(guid, List.of()));
    }

    static String shortType(JsonNode event) {
        String type = event.get("type").asString();
        String withoutVersion = type.substring(0, type.lastIndexOf('.'));
        return withoutVersion.substring(withoutVersion.lastIndexOf('.') + 1);
    }

    synchronized List<String> invalid() {
        return List.copyOf(invalid);
    }

    @Override
    public synchronized void close() {
        producer.close();
        consumer.close();
    }
}
