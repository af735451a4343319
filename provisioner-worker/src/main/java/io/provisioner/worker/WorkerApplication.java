package io.provisioner.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The provisioner worker: carries out the operations the gateway records, at the service brokers,
 * and reports every state change back on Kafka. It owns no database; its state lives in Kafka.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

    /**
     * The name of the configuration file ({@code worker.yml}). Not {@code application}: the local run
     * starts three Spring Boot apps from one classpath, and each must find only its own file.
     */
    public static final String CONFIG_NAME = "worker";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WorkerApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
