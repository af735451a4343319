package io.provisioner.gateway.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a slow or stalling client may hold of the gateway, whoever it is (these apply before
 * authentication).
 *
 * @param bodyReadTimeout the longest silence while a request body arrives; then the connection is closed
 * @param maxBodyRequestsPerAddress requests with a body one address may have in flight at once; more are
 *                                  refused at once (429) and their connection closed unread
 */
@ConfigurationProperties("provisioner.gateway.slow-clients")
record SlowClientSettings(@DefaultValue("5s") Duration bodyReadTimeout,
        @DefaultValue("64") int maxBodyRequestsPerAddress) {
}
