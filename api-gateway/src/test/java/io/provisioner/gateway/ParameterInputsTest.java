package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/**
 * Hostile and odd parameters: what can be carried exactly is carried exactly (as sealed text in the
 * request event), and what cannot be read is a 400 in the CF envelope, never a 500.
 */
class ParameterInputsTest extends GatewayTestBase {

    @Autowired
    SecretSealer sealer;

    private String createBody(String name, String parameters) {
        return "{\"name\": \"" + name + "\", \"space_guid\": \"" + spaceGuid("test-space")
                + "\", \"service_plan_guid\": \"" + planGuid(CatalogBroker.ASYNC_PLAN_ID) + "\", \"parameters\": "
                + parameters + "}";
    }

    /** The parameters the request event of this instance carries on Kafka, opened. */
    private String carried(Answer created) {
        String guid = created.json().at("/metadata/guid").asString();
        java.util.Map<String, Object> props = org.springframework.kafka.test.utils.KafkaTestUtils.consumerProps(
                embeddedKafka, "inputs-" + UUID.randomUUID(), false);
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.REQUESTS).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            byte[] value = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (guid.equals(record.key())) {
                        return record.value();
                    }
                }
                return null;
            }, v -> v != null);
            String sealed = codec.readRequested(value).data().sealedParameters();
            assertThat(sealed).startsWith("v1:");
            return sealer.open(sealed);
        }
    }

    private final io.provisioner.schemas.EventCodec codec = new io.provisioner.schemas.EventCodec();

    @Test
    void numbersADoubleCannotHoldAreCarriedAsWritten() {
        for (String parameters : new String[] {"{\"n\": 1e309}", "{\"n\": -1e309}", "{\"n\": 1.1e-999999999}",
                "{\"n\": 1E2}", "{\"n\": -0.0}", "{\"n\": 1.0e+2}", "{\"n\": 12345678901234567890123456789}",
                "{\"n\": 0.1000000000000000055511151231257827}", "{\"n\": [1e400, {\"m\": 2E-400}]}"}) {
            String name = "num-" + UUID.randomUUID();
            Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", createBody(name, parameters));
            assertThat(created.status()).as(parameters + ": " + created.body()).isEqualTo(201);
            assertThat(carried(created)).isEqualTo(parameters);
        }
    }

    @Test
    void aNumberLongerThanTheParserReadsIsAParseError() {
        Answer answer = send("POST", "/v2/service_instances?accepts_incomplete=true",
                createBody(newName(), "{\"n\": " + "9".repeat(1001) + "}"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("CF-MessageParseError");
        assertThat(answer.code()).isEqualTo(1001);
        assertThat(answer.body()).doesNotContain("9999999999");
    }

    @Test
    void aDuplicatedParametersFieldCountsOnceTheLastOne() {
        String name = "dup-" + UUID.randomUUID();
        String body = createBody(name, "{\"a\": 1}").replace("\"parameters\": {\"a\": 1}",
                "\"parameters\": {\"first\": 1}, \"parameters\": {\"second\": 2E0}");
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(carried(created)).isEqualTo("{\"second\": 2E0}");
    }

    @Test
    void nonAsciiTextAndEscapesAreCarriedAsWritten() {
        String name = "text-" + UUID.randomUUID();
        String parameters = "{\"caf\u00e9\": \"\u2603 \\u2603 \\ud83d\\ude00 \\u0000\", \"\\\"q\\\"\": \"\\n\"}";
        Answer created = send("POST", "/v2/service_instances?accepts_incomplete=true", createBody(name, parameters));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(carried(created)).isEqualTo(parameters);
    }

    @Test
    void aBodyInAnotherEncodingThanUtf8IsRefusedOrReadWhole() throws Exception {
        for (Charset charset : new Charset[] {StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
                Charset.forName("UTF-32BE")}) {
            String name = "enc-" + UUID.randomUUID();
            byte[] body = createBody(name, "{\"n\": 1E2}").getBytes(charset);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v2/service_instances?accepts_incomplete=true"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "bearer " + token("admin"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(charset + ": " + answer.body()).isIn(201, 400);
            if (answer.statusCode() == 400) {
                assertThat(JSON.readTree(answer.body()).get("error_code").asString()).isEqualTo("CF-MessageParseError");
            } else {
                assertThat(carried(new Answer(answer.statusCode(), answer.body(), answer))).isEqualTo("{\"n\": 1E2}");
            }
        }
    }

    @Test
    void aUtf8ByteOrderMarkDoesNotShiftTheParameters() throws Exception {
        String name = "bom-" + UUID.randomUUID();
        byte[] text = createBody(name, "{\"n\": 1E2}").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[text.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(text, 0, body, 3, text.length);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/service_instances?accepts_incomplete=true"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "bearer " + token("admin"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(201, 400);
        if (answer.statusCode() == 201) {
            assertThat(carried(new Answer(answer.statusCode(), answer.body(), answer))).isEqualTo("{\"n\": 1E2}");
        }
    }
}
