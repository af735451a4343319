package io.provisioner.worker.broker;

import java.io.IOException;
import java.time.Duration;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.provisioner.schemas.BrokerEndpoint;

/**
 * The Resilience4j instances of each broker, created on first use from the broker's {@link BrokerPolicy}
 * and named after it ({@link BrokerNames}). What is retried and what opens a circuit is stated once,
 * here: connection errors and timeouts (all {@link IOException}s of the HTTP client) and 5xx, 429, 408
 * answers; never another 4xx.
 */
final class BrokerResilience {

    /** One broker's instances, and the read timeout its calls use. */
    record Guards(Retry retry, CircuitBreaker circuit, Bulkhead bulkhead, Duration readTimeout) {
    }

    private final BrokerSettings settings;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry circuits;
    private final BulkheadRegistry bulkheads;

    BrokerResilience(BrokerSettings settings, RetryRegistry retries, CircuitBreakerRegistry circuits,
            BulkheadRegistry bulkheads) {
        this.settings = settings;
        this.retries = retries;
        this.circuits = circuits;
        this.bulkheads = bulkheads;
    }

    Guards of(BrokerEndpoint broker) {
        String name = BrokerNames.of(broker);
        BrokerPolicy policy = settings.policyFor(broker);
        return new Guards(retries.retry(name, () -> retry(policy)), circuits.circuitBreaker(name, () -> circuit(policy)),
                bulkheads.bulkhead(name, () -> bulkhead(policy)), policy.readTimeout());
    }

    static RetryConfig retry(BrokerPolicy policy) {
        return RetryConfig.<BrokerAnswer>custom()
                .maxAttempts(policy.retryAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        policy.retryInitialBackoff(), policy.retryMultiplier(), policy.retryJitter()))
                // An answer with Retry-After is not retried in place: the durable delay honours it instead.
                .retryOnResult(answer -> answer.transientFailure() && answer.retryAfter() == null)
                .retryOnException(IOException.class::isInstance)
                .failAfterMaxAttempts(false)
                .build();
    }

    static CircuitBreakerConfig circuit(BrokerPolicy policy) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.circuitFailureRateThreshold())
                .slidingWindowSize(policy.circuitSlidingWindow())
                .minimumNumberOfCalls(policy.circuitMinimumCalls())
                .waitDurationInOpenState(policy.circuitOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(policy.circuitHalfOpenCalls())
                .recordResult(result -> result instanceof BrokerAnswer answer && answer.transientFailure())
                .recordException(IOException.class::isInstance)
                // A sealed password this worker cannot open, or a full bulkhead, says nothing about the broker.
                .ignoreExceptions(IllegalArgumentException.class, BulkheadFullException.class)
                .build();
    }

    static BulkheadConfig bulkhead(BrokerPolicy policy) {
        return BulkheadConfig.custom()
                .maxConcurrentCalls(policy.bulkheadMaxConcurrentCalls())
                .maxWaitDuration(policy.bulkheadMaxWait())
                .build();
    }
}
