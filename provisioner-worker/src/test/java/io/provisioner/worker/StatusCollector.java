package io.provisioner.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every status event the workers publish, on one background thread, so tests running in parallel
 * can each look at their own instance's events.
 */
final class StatusCollector {

    private final Map<String, List<OperationStatusChanged>> byInstance = new ConcurrentHashMap<>();

    StatusCollector(String bootstrapServers, EventCodec codec) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATUS, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(Topics.STATUS, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread reader = new Thread(() -> {
            while (true) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    OperationStatusChanged status = codec.readStatus(record.value()).data();
                    byInstance.computeIfAbsent(status.instanceGuid(), key -> new CopyOnWriteArrayList<>()).add(status);
                });
            }
        }, "test-status-collector");
        reader.setDaemon(true);
        reader.start();
    }

    List<OperationStatusChanged> of(String instanceGuid) {
        return List.copyOf(byInstance.getOrDefault(instanceGuid, List.of()));
    }
}
