package io.provisioner.worker.broker;

import java.time.Duration;
import java.util.Map;

import io.provisioner.schemas.BrokerEndpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the worker talks to brokers. The flat values are the defaults of every broker (Cloud Controller's
 * 60 s read timeout, DESIGN §6); {@code instances} names brokers (by guid or name) that need other
 * values. The meaning of each value is on {@link BrokerPolicy}.
 *
 * @param connectTimeout time to open a connection to a broker (one HTTP client serves all brokers)
 * @param instances per-broker overrides, keyed by broker guid or broker name
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
        Duration circuitOpenDuration,
        Integer circuitHalfOpenCalls,
        Integer bulkheadMaxConcurrentCalls,
        Duration bulkheadMaxWait,
        Map<String, BrokerPolicy> instances) {

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
        circuitHalfOpenCalls = circuitHalfOpenCalls == null ? 3 : circuitHalfOpenCalls;
        bulkheadMaxConcurrentCalls = bulkheadMaxConcurrentCalls == null ? 25 : bulkheadMaxConcurrentCalls;
        bulkheadMaxWait = bulkheadMaxWait == null ? Duration.ofSeconds(1) : bulkheadMaxWait;
        instances = instances == null ? Map.of() : Map.copyOf(instances);
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("provisioner.worker.broker: connect-timeout > 0");
        }
        BrokerPolicy defaults = new BrokerPolicy(readTimeout, retryAttempts, retryInitialBackoff, retryMultiplier,
                retryJitter, circuitFailureRateThreshold, circuitSlidingWindow, circuitMinimumCalls, circuitOpenDuration,
                circuitHalfOpenCalls, bulkheadMaxConcurrentCalls, bulkheadMaxWait).validated("provisioner.worker.broker");
        instances.forEach((name, policy) -> policy.orElse(defaults)
                .validated("provisioner.worker.broker.instances." + name));
    }

    BrokerPolicy defaults() {
        return new BrokerPolicy(readTimeout, retryAttempts, retryInitialBackoff, retryMultiplier, retryJitter,
                circuitFailureRateThreshold, circuitSlidingWindow, circuitMinimumCalls, circuitOpenDuration,
                circuitHalfOpenCalls, bulkheadMaxConcurrentCalls, bulkheadMaxWait);
    }

    /** The broker's named instance (by guid first, then by name) over the defaults; the defaults alone else. */
    BrokerPolicy policyFor(BrokerEndpoint broker) {
        BrokerPolicy named = broker.guid() != null ? instances.get(broker.guid()) : null;
        if (named == null && broker.name() != null) {
            named = instances.get(broker.name());
        }
        return named == null ? defaults() : named.orElse(defaults());
    }
}
