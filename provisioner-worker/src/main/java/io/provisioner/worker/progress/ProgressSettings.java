package io.provisioner.worker.progress;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The progress table ({@code provisioning.operations}).
 *
 * @param retention how long a finished operation is remembered (topic retention and memory); at least
 *                  as long as {@code provisioning.requests} keeps requests, so any request that can still
 *                  be redelivered is recognised
 * @param startupTimeout how long start-up may take to read the whole table before it fails
 */
@ConfigurationProperties("provisioner.worker.progress")
record ProgressSettings(Duration retention, Duration startupTimeout) {

    ProgressSettings {
        retention = retention == null ? Duration.ofDays(8) : retention;
        startupTimeout = startupTimeout == null ? Duration.ofSeconds(60) : startupTimeout;
        if (retention.isNegative() || retention.isZero() || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.progress: retention and startup-timeout must be positive");
        }
    }
}
