package io.provisioner.worker.broker;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.provisioner.schemas.BrokerEndpoint;

/**
 * Sends calls through a per-broker {@link Retry} around a per-broker {@link CircuitBreaker}: every
 * attempt counts toward the circuit, and an open circuit is not retried into. This is the only retry
 * layer for broker calls; the Kafka error handler retries record handling, not HTTP.
 */
final class ResilientBrokerClient implements BrokerClient {

    private final HttpBrokerClient http;
    private final RetryRegistry retries;
    private final CircuitBreakerRegistry circuits;
    private final Clock clock;

    ResilientBrokerClient(HttpBrokerClient http, RetryRegistry retries, CircuitBreakerRegistry circuits, Clock clock) {
        this.http = http;
        this.retries = retries;
        this.circuits = circuits;
        this.clock = clock;
    }

    @Override
    public BrokerAnswer call(BrokerEndpoint broker, OsbCall call) throws BrokerUnreachable {
        String name = BrokerNames.of(broker);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> lastError = new AtomicReference<>();
        CheckedSupplier<BrokerAnswer> attempt = () -> {
            attempts.incrementAndGet();
            try {
                return http.send(broker, call);
            } catch (IOException e) {
                lastError.set(e);
                throw e;
            }
        };
        CheckedSupplier<BrokerAnswer> guarded = CircuitBreaker.decorateCheckedSupplier(circuits.circuitBreaker(name), attempt);
        if (call.endpoint().retriedInPlace()) {
            guarded = Retry.decorateCheckedSupplier(retries.retry(name), guarded);
        }
        Instant started = clock.instant();
        try {
            BrokerAnswer answer = guarded.get();
            return answer.afterAttempts(attempts.get());
        } catch (CallNotPermittedException e) {
            // The circuit was open before the first attempt or opened between attempts: the count says
            // what was actually sent.
            Throwable cause = lastError.get() != null ? lastError.get() : e;
            throw new BrokerUnreachable(call, attempts.get(), Duration.between(started, clock.instant()), cause, true);
        } catch (IOException e) {
            throw new BrokerUnreachable(call, attempts.get(), Duration.between(started, clock.instant()), e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the broker: " + call.describe(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("unexpected failure calling the broker: " + call.describe(), e);
        }
    }
}
