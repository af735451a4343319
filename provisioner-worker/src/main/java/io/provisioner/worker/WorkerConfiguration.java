package io.provisioner.worker;

import java.time.Clock;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.SecretSealer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker's outside-world collaborators that tests replace: time, randomness, the key. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Source of {@code X-Broker-API-Request-Identity} values. */
    @Bean
    Supplier<UUID> requestIdentities() {
        return UUID::randomUUID;
    }

    /** Spreads durable retries (jitter), so the work an outage held back does not return all at once. */
    @Bean
    RandomGenerator jitter() {
        return new Random();
    }

    /** The wire format belongs to the schemas module, so its codec keeps its own mapper settings. */
    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    SecretSealer secretSealer(WorkerSettings settings) {
        try {
            return new SecretSealer(settings.secretKey());
        } catch (IllegalArgumentException e) {
            // The message of the cause never contains the key itself.
            throw new IllegalStateException("provisioner.worker.secret-key is not a usable key: " + e.getMessage(), e);
        }
    }
}
