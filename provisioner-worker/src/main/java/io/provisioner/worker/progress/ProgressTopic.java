package io.provisioner.worker.progress;

import java.util.Map;

import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.messaging.KafkaSettings;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares {@value ProgressTable#TOPIC}: compacted (one record per operation is enough) and deleted after
 * the retention (a finished operation need not be remembered for ever), with its dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
class ProgressTopic {

    @Bean
    KafkaAdmin.NewTopics progressTopics(KafkaSettings kafka, ProgressSettings settings) {
        NewTopic topic = new NewTopic(ProgressTable.TOPIC, kafka.partitions(), kafka.replicas()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retention().toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RecordLimits.MAX_RECORD_BYTES)));
        NewTopic deadLetters = new NewTopic(ProgressTable.TOPIC + Topics.DEAD_LETTER_SUFFIX, kafka.partitions(),
                kafka.replicas()).configs(Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RecordLimits.MAX_RECORD_BYTES)));
        return new KafkaAdmin.NewTopics(topic, deadLetters);
    }
}
