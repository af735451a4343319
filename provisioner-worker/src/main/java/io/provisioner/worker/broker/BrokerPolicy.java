package io.provisioner.worker.broker;

import java.time.Duration;

/**
 * How the worker treats one broker: timeouts, in-place retries, circuit breaker and concurrency limit.
 * The defaults are the flat {@code provisioner.worker.broker.*} settings; a named instance under
 * {@code provisioner.worker.broker.instances.<broker guid or name>} overrides any of them, and what it
 * leaves out comes from the defaults ({@link #orElse}).
 *
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
 * @param circuitHalfOpenCalls the calls let through then, whose outcome closes or opens the circuit again
 * @param bulkheadMaxConcurrentCalls calls one worker sends to the broker at once
 * @param bulkheadMaxWait how long a call waits for a free slot before it is put off (durably) instead
 */
public record BrokerPolicy(
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
        Duration bulkheadMaxWait) {

    /** This policy with every unset value taken from {@code defaults}. */
    BrokerPolicy orElse(BrokerPolicy defaults) {
        return new BrokerPolicy(
                readTimeout != null ? readTimeout : defaults.readTimeout,
                retryAttempts != null ? retryAttempts : defaults.retryAttempts,
                retryInitialBackoff != null ? retryInitialBackoff : defaults.retryInitialBackoff,
                retryMultiplier != null ? retryMultiplier : defaults.retryMultiplier,
                retryJitter != null ? retryJitter : defaults.retryJitter,
                circuitFailureRateThreshold != null ? circuitFailureRateThreshold : defaults.circuitFailureRateThreshold,
                circuitSlidingWindow != null ? circuitSlidingWindow : defaults.circuitSlidingWindow,
                circuitMinimumCalls != null ? circuitMinimumCalls : defaults.circuitMinimumCalls,
                circuitOpenDuration != null ? circuitOpenDuration : defaults.circuitOpenDuration,
                circuitHalfOpenCalls != null ? circuitHalfOpenCalls : defaults.circuitHalfOpenCalls,
                bulkheadMaxConcurrentCalls != null ? bulkheadMaxConcurrentCalls : defaults.bulkheadMaxConcurrentCalls,
                bulkheadMaxWait != null ? bulkheadMaxWait : defaults.bulkheadMaxWait);
    }

    /** Refuses a complete policy that makes no sense, naming where it came from. */
    BrokerPolicy validated(String where) {
        if (readTimeout.isNegative() || readTimeout.isZero() || retryAttempts < 1 || retryMultiplier < 1
                || retryJitter < 0 || retryJitter >= 1 || circuitFailureRateThreshold <= 0
                || circuitFailureRateThreshold > 100 || circuitSlidingWindow < 1 || circuitMinimumCalls < 1
                || circuitHalfOpenCalls < 1 || bulkheadMaxConcurrentCalls < 1 || bulkheadMaxWait.isNegative()) {
            throw new IllegalArgumentException(where + ": read-timeout > 0, retry-attempts >= 1, retry-multiplier >= 1, "
                    + "0 <= retry-jitter < 1, 0 < circuit-failure-rate-threshold <= 100, circuit-sliding-window and "
                    + "circuit-minimum-calls and circuit-half-open-calls >= 1, bulkhead-max-concurrent-calls >= 1, bulkhead-max-wait >= 0");
        }
        return this;
    }
}
