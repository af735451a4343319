package io.provisioner.worker.broker;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.schemas.SecretSealer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/**
 * The OSB client and its resilience policies. What is retried is stated once here: connection errors
 * and timeouts (all {@link IOException}s of the HTTP client) and 5xx, 429, 408 answers; never another 4xx.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

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
        RetryConfig config = RetryConfig.<BrokerAnswer>custom()
                .maxAttempts(settings.retryAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        settings.retryInitialBackoff(), settings.retryMultiplier(), settings.retryJitter()))
                .retryOnResult(BrokerAnswer::transientFailure)
                .retryOnException(IOException.class::isInstance)
                .failAfterMaxAttempts(false)
                .build();
        RetryRegistry registry = RetryRegistry.of(config);
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    CircuitBreakerRegistry brokerCircuits(BrokerSettings settings, MeterRegistry meters) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.circuitFailureRateThreshold())
                .slidingWindowSize(settings.circuitSlidingWindow())
                .minimumNumberOfCalls(settings.circuitMinimumCalls())
                .waitDurationInOpenState(settings.circuitOpenDuration())
                .recordResult(result -> result instanceof BrokerAnswer answer && answer.transientFailure())
                .recordException(IOException.class::isInstance)
                // A sealed password this worker cannot open says nothing about the broker.
                .ignoreExceptions(IllegalArgumentException.class)
                .build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    BrokerClient brokerClient(HttpClient brokerHttpClient, SecretSealer sealer, JsonMapper mapper, MeterRegistry meters,
            RetryRegistry brokerRetries, CircuitBreakerRegistry brokerCircuits, BrokerSettings settings, Clock clock) {
        HttpBrokerClient http = new HttpBrokerClient(brokerHttpClient, sealer, mapper, meters, settings.readTimeout());
        return new ResilientBrokerClient(http, brokerRetries, brokerCircuits, clock);
    }

    @Bean
    OsbCalls osbCalls(JsonMapper mapper) {
        return new OsbCalls(mapper);
    }
}
