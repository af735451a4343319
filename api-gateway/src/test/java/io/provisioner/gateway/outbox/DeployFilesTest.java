package io.provisioner.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.Topics;

/** The deploy files say what the code does: every topic declared, each with the record limit the producers use. */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("..", "deploy");

    @Test
    void everyTopicIsDeclaredWithTheRecordLimit() throws Exception {
        Map<String, JsonNode> topics = new HashMap<>();
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(Files.readString(DEPLOY.resolve("kafka/topics.yaml")))) {
            while (documents.hasNext()) {
                JsonNode topic = documents.next();
                topics.put(topic.at("/spec/topicName").asString(), topic.at("/spec/config"));
            }
        }
        List<String> used = new ArrayList<>(List.of(Topics.REQUESTS, Topics.STATUS, Topics.PROGRESS));
        used.addAll(Topics.pollTopics());
        used.addAll(Topics.deadLetterTopics());

        assertThat(topics.keySet()).containsAll(used);
        assertThat(topics).allSatisfy((name, config) -> assertThat(config.get("max.message.bytes").asInt())
                .as(name).isEqualTo(RecordLimits.MAX_RECORD_BYTES));
    }

    @Test
    void theAlertRulesCarryARunbook() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(DEPLOY.resolve("prometheus/provisioner-alerts.yml")));
        List<JsonNode> alerts = new ArrayList<>();
        rules.get("groups").forEach(group -> group.get("rules").forEach(alerts::add));
        assertThat(alerts).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.get("alert").asString()).isNotBlank();
            assertThat(rule.get("expr").asString()).isNotBlank();
            assertThat(rule.at("/annotations/runbook").asString()).isNotBlank();
        });
    }
}
