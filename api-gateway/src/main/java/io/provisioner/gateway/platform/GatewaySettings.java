package io.provisioner.gateway.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param secretKey base64 AES-256 key sealing broker passwords at rest and on the wire to the worker;
 *                  the worker holds the same key
 * @param topicPartitions partitions of the topics the gateway declares
 */
@ConfigurationProperties("provisioner.gateway")
record GatewaySettings(String secretKey, @DefaultValue("3") int topicPartitions) {
}
