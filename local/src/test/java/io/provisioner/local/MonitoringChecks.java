package io.provisioner.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

import io.provisioner.schemas.Topics;

/** What the monitoring test does to a running stack and asks of Prometheus. */
final class MonitoringChecks {

    private MonitoringChecks() {
    }

    /** A record nobody can decode on a topic of each app: each app parks it on the topic's dead-letter topic. */
    static void parkUndecodableRecords(String bootstrapServers) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (String topic : List.of(Topics.STATUS, Topics.REQUESTS)) {
                producer.send(new ProducerRecord<>(topic, "not-an-instance", "not an event".getBytes())).get();
            }
        }
    }

    /** The queries that fail or find no series, each with why. */
    static List<String> withoutSeries(RealPrometheus prometheus, List<MonitoringQueries.Query> queries) {
        List<String> missing = new ArrayList<>();
        for (MonitoringQueries.Query query : queries) {
            JsonNode answer = prometheus.query(query.promql());
            if (!answer.path("status").asString().equals("success")) {
                missing.add(query.source() + ": " + answer.path("error").asString() + " in " + query.promql());
            } else if (answer.at("/data/result").isEmpty()) {
                missing.add(query.source() + ": no series for " + query.promql());
            }
        }
        return missing;
    }
}
