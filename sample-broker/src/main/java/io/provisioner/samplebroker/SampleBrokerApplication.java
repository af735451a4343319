package io.provisioner.samplebroker;

import java.time.Clock;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * A small Open Service Broker API v2.17 broker whose behaviour is driven by configuration and by
 * per-request overrides, so the rest of the project can be tested against a real broker.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleBrokerApplication {

    /** Name of the configuration file ({@code sample-broker.yml}); apps share one classpath in the local run. */
    public static final String CONFIG_NAME = "sample-broker";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(SampleBrokerApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Operation completion is computed from this clock, so tests can move time instead of waiting. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
