package io.provisioner.gateway.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Carries a trace across the outbox: the writer keeps the request's W3C {@code traceparent} with the row,
 * and the relay sends the row in a span of that trace, so the Kafka send (and everything downstream) joins
 * the API call's trace although a different thread sends it later. Without a tracer both do nothing.
 */
@Component
class OutboxTraces {

    private static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    OutboxTraces(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** The current span's {@code traceparent}, or null outside a trace. */
    String current() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Runs {@code send} in a span continuing the trace of {@code traceparent} (as it is when that is null). */
    <T> T continuing(String traceparent, Supplier<T> send) {
        if (traceparent == null) {
            return send.get();
        }
        Span span = propagator.extract(Map.of(TRACEPARENT, traceparent), Map::get).name("outbox relay").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return send.get();
        } finally {
            span.end();
        }
    }
}
