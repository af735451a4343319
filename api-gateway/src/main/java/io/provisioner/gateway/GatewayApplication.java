package io.provisioner.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The API gateway: Cloud Controller v2 API for service instances, the record store, the outbox relay
 * to {@code provisioning.requests} and {@code service-instance.events}, the listener that applies
 * {@code provisioning.status}, and the listener that carries out {@code service-instance.commands}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class GatewayApplication {

    /** Its own config file name, so that several apps can share one classpath in the local run. */
    public static final String CONFIG_NAME = "gateway";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
