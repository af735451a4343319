package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Parameters are secrets, through the whole system: after a create and an update (both polled) with a
 * distinctive secret, the value is in no database row, no record of any Kafka topic and no log line of
 * the gateway, the worker or the broker; reading them back asks the sample broker, which has them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ParametersEndToEndTest {

    private LocalSettings settings;
    private LocalStack stack;
    private StackClient client;

    @BeforeAll
    void start() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "e2e-parameters-");
        settings = LocalSettings.ephemeral(data, System.getenv());
        stack = LocalStack.start(settings);
        client = new StackClient(stack.gatewayUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private void awaitSucceeded(String guid) {
        await().atMost(Duration.ofSeconds(15)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));
    }

    @Test
    void aSecretParameterIsInNoRowNoRecordAndNoLogAfterACreateAndAnUpdate(CapturedOutput output) throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID();
        String updateSecret = "n3w-s3cr3t-" + UUID.randomUUID();
        String guid = client.create("secret-params-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                Map.of("password", secret, "sample_broker", Map.of("delay_ms", 300)));
        awaitSucceeded(guid);
        StackClient.Answer updating = client.call("PUT", "/v2/service_instances/" + guid + "?accepts_incomplete=true",
                Map.of("parameters", Map.of("password", updateSecret, "sample_broker", Map.of("delay_ms", 300))));
        assertThat(updating.status()).as(String.valueOf(updating.body())).isEqualTo(202);
        awaitSucceeded(guid);

        StackClient.Answer parameters = client.call("GET", "/v2/service_instances/" + guid + "/parameters", null);
        assertThat(parameters.status()).isEqualTo(200);
        assertThat(parameters.body().get("password").asString()).as("fetched from the broker, which keeps them")
                .isEqualTo(updateSecret);

        long records = scanKafka(secret, updateSecret);
        assertThat(records).as("the scan read the topics").isPositive();
        assertThat(output.getAll()).as("logs").doesNotContain(secret).doesNotContain(updateSecret);

        stack.close(); // the database is read once nothing writes to it any more
        stack = null;
        List<String> rows = rows();
        assertThat(rows).as("rows").anyMatch(row -> row.contains(guid))
                .noneMatch(row -> row.contains(secret) || row.contains(updateSecret));
    }

    /** Reads every record of every topic from the beginning; returns how many it read. */
    private long scanKafka(String... secrets) {
        KafkaScan scan = KafkaScan.everything(stack.kafkaBootstrapServers());
        long records = 0;
        for (String text : scan.texts()) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
            records++;
        }
        assertThat(scan.partitions()).extracting(TopicPartition::topic)
                .contains("provisioning.requests", "provisioning.status");
        return records;
    }

    /** Every row of every table of the gateway's database, as text. */
    private List<String> rows() throws Exception {
        boolean h2 = settings.databaseUrl() == null || settings.databaseUrl().isBlank();
        List<String> rows = new ArrayList<>();
        try (Connection db = h2 ? DriverManager.getConnection(settings.h2Url(), "sa", "")
                : DriverManager.getConnection(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword());
                Statement statement = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE LOWER(table_schema) = 'public' AND table_type IN ('BASE TABLE', 'TABLE')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).extracting(String::toLowerCase).contains("service_instances", "outbox");
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table).append(':');
                        for (int i = 1; i <= columns; i++) {
                            row.append(' ').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }
}
