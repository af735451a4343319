package io.provisioner.gateway.command;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Commands from {@code service-instance.commands}.
 *
 * @param retention how long an answered command's id is remembered: longer than the topic's
 *                  {@code retention.ms} (7 days in {@code deploy/kafka/topics.yaml}), so no redelivery or
 *                  replay from the topic can find its id forgotten
 */
@ConfigurationProperties("provisioner.commands")
record CommandSettings(@DefaultValue("8d") Duration retention) {
}
