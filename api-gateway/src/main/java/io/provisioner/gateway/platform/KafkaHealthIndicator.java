package io.provisioner.gateway.platform;

import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/** Kafka is part of readiness: without it nothing the gateway accepts can move. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator, AutoCloseable {

    private final AdminClient admin;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
        this.admin = AdminClient.create(kafkaAdmin.getConfigurationProperties());
    }

    @Override
    public Health health() {
        try {
            String cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .clusterId().get(3, TimeUnit.SECONDS);
            return Health.up().withDetail("clusterId", cluster).build();
        } catch (Exception e) {
            return Health.down().withDetail("error", String.valueOf(e.getMessage())).build();
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
