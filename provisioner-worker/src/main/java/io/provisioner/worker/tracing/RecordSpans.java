package io.provisioner.worker.tracing;

import java.nio.charset.StandardCharsets;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Handles one record in a consumer span continuing the trace of its {@code traceparent} header, so what the
 * handling calls (the broker) and sends (status, polls) joins the trace of the API call that asked for it.
 *
 * <p>Spring Kafka's listener observation covers record listeners only; the request listener takes batches and
 * the poll loop reads its own consumer, so they open the span per record here. Only a span: the listener
 * timer {@code spring.kafka.listener} keeps its per-batch series, whose tags a second, per-record series of
 * the same name could not share in Prometheus.
 */
@Component
public class RecordSpans {

    private final Tracer tracer;
    private final Propagator propagator;

    RecordSpans(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    public void handle(ConsumerRecord<?, ?> record, Runnable handling) {
        Span span = propagator.extract(record.headers(), RecordSpans::header)
                .name(record.topic() + " process").kind(Span.Kind.CONSUMER).start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            handling.run();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
