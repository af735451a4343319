package io.provisioner.worker.broker;

import java.net.http.HttpClient;
import java.time.Clock;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.worker.tracing.BrokerCallSpans;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/**
 * The OSB client and its per-broker resilience instances ({@link BrokerResilience}), with their metrics:
 * Resilience4j's own, plus a count of every circuit state transition so an operator sees a broker's
 * circuit open and close again even between two scrapes.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BrokerConfiguration.class);

    /** One client for all brokers: it pools connections and its threads. */
    @Bean
    HttpClient brokerHttpClient(BrokerSettings settings) {
        return HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Bean
    RetryRegistry brokerRetries(BrokerSettings settings, MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.of(BrokerResilience.retry(settings.defaults()));
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    CircuitBreakerRegistry brokerCircuits(BrokerSettings settings, MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(BrokerResilience.circuit(settings.defaults()));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        registry.getEventPublisher().onEntryAdded(added -> countTransitions(added.getAddedEntry(), meters));
        return registry;
    }

    @Bean
    BulkheadRegistry brokerBulkheads(BrokerSettings settings, MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.of(BrokerResilience.bulkhead(settings.defaults()));
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry;
    }

    private static void countTransitions(CircuitBreaker circuit, MeterRegistry meters) {
        circuit.getEventPublisher().onStateTransition(event -> {
            String from = event.getStateTransition().getFromState().name().toLowerCase(java.util.Locale.ROOT);
            String to = event.getStateTransition().getToState().name().toLowerCase(java.util.Locale.ROOT);
            log.warn("the circuit breaker of broker {} went from {} to {}", circuit.getName(), from, to);
            Counter.builder("provisioner.broker.circuit.transitions")
                    .description("State transitions of the brokers' circuit breakers")
                    .tag("broker", circuit.getName())
                    .tag("from", from)
                    .tag("to", to)
                    .register(meters)
                    .increment();
        });
    }

    @Bean
    BrokerClient brokerClient(HttpClient brokerHttpClient, SecretSealer sealer, JsonMapper mapper, MeterRegistry meters,
            RetryRegistry brokerRetries, CircuitBreakerRegistry brokerCircuits, BulkheadRegistry brokerBulkheads,
            BrokerSettings settings, Clock clock, BrokerCallSpans spans) {
        HttpBrokerClient http = new HttpBrokerClient(brokerHttpClient, sealer, mapper, meters, spans);
        BrokerResilience resilience = new BrokerResilience(settings, brokerRetries, brokerCircuits, brokerBulkheads);
        return new ResilientBrokerClient(http, resilience, clock);
    }

    @Bean
    OsbCalls osbCalls(JsonMapper mapper, SecretSealer sealer) {
        return new OsbCalls(mapper, sealer);
    }
}
