package io.provisioner.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.provisioner.schemas.BindingStatusChanged;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OrphanMitigationChanged;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every status event and orphan-mitigation event the workers publish, on one background thread, so tests running in parallel
 * can each look at their own instance's events.
 */
final class StatusCollector {

    private final Map<String, List<OperationStatusChanged>> byInstance = new ConcurrentHashMap<>();
    private final Map<String, List<OrphanMitigationChanged>> orphanMitigations = new ConcurrentHashMap<>();
    private final Map<String, List<BindingStatusChanged>> byBinding = new ConcurrentHashMap<>();
    private final Map<String, List<byte[]>> bindingRecords = new ConcurrentHashMap<>();

    StatusCollector(String bootstrapServers, EventCodec codec) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.STATUS, Topics.ORPHAN_MITIGATIONS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread reader = new Thread(() -> {
            while (true) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    if (record.topic().equals(Topics.ORPHAN_MITIGATIONS)) {
                        OrphanMitigationChanged changed = codec.readOrphanMitigationChanged(record.value()).data();
                        orphanMitigations.computeIfAbsent(changed.instanceGuid(), key -> new CopyOnWriteArrayList<>())
                                .add(changed);
                        return;
                    }
                    if (EventTypes.BINDING_STATUS_CHANGED.equals(codec.typeOf(record.value()))) {
                        BindingStatusChanged changed = codec.readBindingStatus(record.value()).data();
                        bindingRecords.computeIfAbsent(changed.bindingGuid(), key -> new CopyOnWriteArrayList<>())
                                .add(record.value());
                        byBinding.computeIfAbsent(changed.bindingGuid(), key -> new CopyOnWriteArrayList<>()).add(changed);
                        return;
                    }
                    OperationStatusChanged status = codec.readStatus(record.value()).data();
                    byInstance.computeIfAbsent(status.instanceGuid(), key -> new CopyOnWriteArrayList<>()).add(status);
                });
            }
        }, "test-status-collector");
        reader.setDaemon(true);
        reader.start();
    }

    List<OrphanMitigationChanged> orphanMitigationsOf(String instanceGuid) {
        return List.copyOf(orphanMitigations.getOrDefault(instanceGuid, List.of()));
    }

    List<BindingStatusChanged> ofBinding(String bindingGuid) {
        return List.copyOf(byBinding.getOrDefault(bindingGuid, List.of()));
    }

    /** The binding's status records exactly as they travelled. */
    List<byte[]> recordsOfBinding(String bindingGuid) {
        return List.copyOf(bindingRecords.getOrDefault(bindingGuid, List.of()));
    }

    List<OperationStatusChanged> of(String instanceGuid) {
        return List.copyOf(byInstance.getOrDefault(instanceGuid, List.of()));
    }
}
