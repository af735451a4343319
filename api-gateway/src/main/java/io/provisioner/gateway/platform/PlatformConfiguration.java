package io.provisioner.gateway.platform;

import java.time.Clock;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.RecordLimits;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.schemas.Topics;

/** The collaborators every feature shares: clock, secret sealing, the event codec, the topics. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SecretSealer secretSealer(GatewaySettings settings) {
        if (settings.secretKey() == null || settings.secretKey().isBlank()) {
            throw new IllegalStateException("provisioner.gateway.secret-key (PROVISIONER_SECRET_KEY) is not set: "
                    + "give a base64 32-byte key, e.g. from `openssl rand -base64 32`");
        }
        return new SecretSealer(settings.secretKey());
    }

    @Bean
    EventCodec eventCodec(JsonMapper json) {
        return new EventCodec(json);
    }

    @Bean
    KafkaAdmin.NewTopics provisioningTopics(GatewaySettings settings) {
        int partitions = settings.topicPartitions();
        return new KafkaAdmin.NewTopics(
                topic(Topics.REQUESTS, partitions),
                topic(Topics.STATUS, partitions),
                topic(Topics.STATUS + Topics.DEAD_LETTER_SUFFIX, partitions),
                topic(Topics.ORPHAN_MITIGATIONS, partitions),
                topic(Topics.ORPHAN_MITIGATIONS + Topics.DEAD_LETTER_SUFFIX, partitions),
                topic(Topics.EVENTS, partitions),
                // The broker stamps each command with its append time, which producers cannot forge: a
                // command's token is judged at that moment, so a Kafka outage turns no good command into a refusal.
                TopicBuilder.name(Topics.COMMANDS).partitions(partitions).replicas(1)
                        .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RecordLimits.MAX_RECORD_BYTES))
                        .config(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime").build(),
                topic(Topics.COMMANDS + Topics.DEAD_LETTER_SUFFIX, partitions));
    }

    private static NewTopic topic(String name, int partitions) {
        return TopicBuilder.name(name).partitions(partitions).replicas(1)
                .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(RecordLimits.MAX_RECORD_BYTES)).build();
    }
}
