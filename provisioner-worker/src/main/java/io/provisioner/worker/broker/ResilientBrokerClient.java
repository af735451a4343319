package io.provisioner.worker.broker;

import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.provisioner.schemas.BrokerEndpoint;

/**
 * Sends calls through the broker's {@link Retry}, around its {@link Bulkhead}, around its
 * {@link CircuitBreaker}: every attempt takes a slot only while it is on the wire (not while the retry
 * waits), counts toward the circuit, and an open circuit or a full bulkhead is not retried into. This is
 * the only in-place retry layer for broker calls; what it cannot fix is put off durably by the caller.
 */
final class ResilientBrokerClient implements BrokerClient {

    private final HttpBrokerClient http;
    private final BrokerResilience resilience;
    private final Clock clock;

    ResilientBrokerClient(HttpBrokerClient http, BrokerResilience resilience, Clock clock) {
        this.http = http;
        this.resilience = resilience;
        this.clock = clock;
    }

    @Override
    public BrokerAnswer call(BrokerEndpoint broker, OsbCall call) throws BrokerUnreachable {
        BrokerResilience.Guards guards = resilience.of(broker);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> lastError = new AtomicReference<>();
        AtomicBoolean timedOut = new AtomicBoolean();
        CheckedSupplier<BrokerAnswer> attempt = () -> {
            attempts.incrementAndGet();
            try {
                return http.send(broker, call, guards.readTimeout());
            } catch (IOException e) {
                lastError.set(e);
                if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
                    timedOut.set(true);
                }
                throw e;
            }
        };
        CheckedSupplier<BrokerAnswer> guarded = Bulkhead.decorateCheckedSupplier(guards.bulkhead(),
                CircuitBreaker.decorateCheckedSupplier(guards.circuit(), attempt));
        if (call.endpoint().retriedInPlace()) {
            guarded = Retry.decorateCheckedSupplier(guards.retry(), guarded);
        }
        Instant started = clock.instant();
        try {
            BrokerAnswer answer = guarded.get();
            return answer.afterAttempts(attempts.get());
        } catch (CallNotPermittedException | BulkheadFullException e) {
            // The count says what was actually sent before the circuit opened or no slot was free.
            Throwable cause = lastError.get() != null ? lastError.get() : e;
            BrokerUnreachable.Reason reason = e instanceof BulkheadFullException ? BrokerUnreachable.Reason.BULKHEAD_FULL
                    : BrokerUnreachable.Reason.CIRCUIT_OPEN;
            throw new BrokerUnreachable(call, attempts.get(), Duration.between(started, clock.instant()), cause, reason,
                    timedOut.get());
        } catch (IOException e) {
            throw new BrokerUnreachable(call, attempts.get(), Duration.between(started, clock.instant()), e,
                    BrokerUnreachable.Reason.NO_ANSWER, timedOut.get());
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
