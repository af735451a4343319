package io.provisioner.worker.broker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the worker talks to brokers. Defaults follow Cloud Controller (60 s read timeout) and DESIGN §6.
 *
 * @param connectTimeout time to open a connection to a broker
 * @param readTimeout time a broker has to answer one request
 * @param retryAttempts attempts of one call, the first included, when the failure is transient
 *                      (connection refused or reset, timeout, 5xx, 429, 408)
 * @param retryInitialBackoff wait before the second attempt; later waits grow by {@code retryMultiplier}
 * @param retryMultiplier growth of the wait between attempts
 * @param retryJitter randomization of each wait, 0 to 1 (0.5 = plus or minus half)
 * @param circuitFailureRateThreshold percentage of failed calls that opens a broker's circuit
 * @param circuitSlidingWindow number of recent calls the failure rate is computed over
 * @param circuitMinimumCalls calls needed before the failure rate counts
 * @param circuitOpenDuration how long an open circuit refuses calls before it lets a few through
 */
@ConfigurationProperties("provisioner.worker.broker")
record BrokerSettings(
        Duration connectTimeout,
        Duration readTimeout,
        Integer retryAttempts,
        Duration retryInitialBackoff,
        Double retryMultiplier,
        Double retryJitter,
        Float circuitFailureRateThreshold,
        Integer circuitSlidingWindow,
        Integer circuitMinimumCalls,
        Duration circuitOpenDuration) {

    BrokerSettings {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
        retryAttempts = retryAttempts == null ? 3 : retryAttempts;
        retryInitialBackoff = retryInitialBackoff == null ? Duration.ofMillis(200) : retryInitialBackoff;
        retryMultiplier = retryMultiplier == null ? 2.0 : retryMultiplier;
        retryJitter = retryJitter == null ? 0.5 : retryJitter;
        circuitFailureRateThreshold = circuitFailureRateThreshold == null ? 50f : circuitFailureRateThreshold;
        circuitSlidingWindow = circuitSlidingWindow == null ? 20 : circuitSlidingWindow;
        circuitMinimumCalls = circuitMinimumCalls == null ? 10 : circuitMinimumCalls;
        circuitOpenDuration = circuitOpenDuration == null ? Duration.ofSeconds(30) : circuitOpenDuration;
        if (retryAttempts < 1 || retryMultiplier < 1 || retryJitter < 0 || retryJitter >= 1
                || circuitFailureRateThreshold <= 0 || circuitFailureRateThreshold > 100
                || circuitSlidingWindow < 1 || circuitMinimumCalls < 1) {
            throw new IllegalArgumentException("provisioner.worker.broker: retry-attempts >= 1, retry-multiplier >= 1, "
                    + "0 <= retry-jitter < 1, 0 < circuit-failure-rate-threshold <= 100, circuit-sliding-window and "
                    + "circuit-minimum-calls >= 1");
        }
    }
}
