package io.provisioner.worker.messaging;

import java.util.ArrayList;
import java.util.List;

import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.Topics;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The topics the worker reads and writes, created at start-up when missing. Every consumed topic has a
 * dead-letter topic with the same partition count, so a dead letter can keep its source partition.
 */
@Configuration(proxyBeanMethods = false)
class TopicDeclarations {

    @Bean
    KafkaAdmin.NewTopics workerTopics(KafkaSettings settings) {
        List<String> consumed = new ArrayList<>();
        consumed.add(Topics.REQUESTS);
        consumed.addAll(Topics.pollTopics());

        List<NewTopic> topics = new ArrayList<>();
        topics.add(topic(Topics.STATUS, settings));
        topics.add(topic(Topics.ORPHAN_MITIGATIONS, settings));
        for (String name : consumed) {
            topics.add(topic(name, settings));
            topics.add(topic(name + Topics.DEAD_LETTER_SUFFIX, settings));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic topic(String name, KafkaSettings settings) {
        return new NewTopic(name, settings.partitions(), settings.replicas()).configs(java.util.Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RecordLimits.MAX_RECORD_BYTES)));
    }
}
