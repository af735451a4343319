package io.provisioner.worker.tracing;

import java.io.IOException;
import java.net.http.HttpRequest;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A client span around each HTTP call to a service broker, its context sent along as W3C {@code traceparent},
 * so the broker's own traces join the operation's. Only a span: the call's timer is
 * {@code provisioner.broker.calls}, kept with its bounded tags. Without a tracer, the call runs as it is.
 */
@Component
public class BrokerCallSpans {

    /** Sends the finished request. */
    @FunctionalInterface
    public interface Send<T> {
        T send(HttpRequest request) throws IOException, InterruptedException;
    }

    private final Tracer tracer;
    private final Propagator propagator;

    BrokerCallSpans(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** Builds {@code request} with the span's context in its headers and sends it, in a span named {@code name}. */
    public <T> T send(String name, HttpRequest.Builder request, Send<T> send) throws IOException, InterruptedException {
        Span.Builder builder = tracer.spanBuilder().name(name).kind(Span.Kind.CLIENT);
        Span parent = tracer.currentSpan();
        if (parent != null) {
            builder.setParent(parent.context());
        }
        Span span = builder.start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            propagator.inject(span.context(), request, HttpRequest.Builder::header);
            return send.send(request.build());
        } catch (IOException | InterruptedException | RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
