package io.provisioner.worker.messaging;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the worker's topics are declared and how long it waits for Kafka to acknowledge a send.
 *
 * @param partitions partitions of every declared topic (a dead-letter topic has as many as its source)
 * @param replicas replication factor of every declared topic
 * @param sendTimeout how long a send may take before the record is handled again
 */
@ConfigurationProperties("provisioner.worker.kafka")
public record KafkaSettings(Integer partitions, Short replicas, Duration sendTimeout) {

    public KafkaSettings {
        partitions = partitions == null ? 3 : partitions;
        replicas = replicas == null ? 1 : replicas;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(30) : sendTimeout;
        if (partitions < 1 || replicas < 1 || sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.kafka: partitions and replicas must be at least 1 "
                    + "and send-timeout positive");
        }
    }
}
