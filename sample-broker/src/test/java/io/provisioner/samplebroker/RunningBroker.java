package io.provisioner.samplebroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One broker on a random port shared by all test classes (same configuration, so Spring caches the
 * context). It persists to a data dir so {@link PersistenceTest} can start a second broker on it.
 */
@SpringBootTest(classes = { SampleBrokerApplication.class, RunningBroker.TestClock.class },
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=sample-broker")
abstract class RunningBroker {

    static final Path DATA_DIR = createDataDir();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    BrokerClient broker;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("sample-broker.data-dir", DATA_DIR::toString);
    }

    @org.junit.jupiter.api.BeforeEach
    void connect() {
        broker = new BrokerClient(port);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {

        /** Starts an hour back so a broker on the real clock sees everything done here as past. */
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Instant.now().minus(Duration.ofHours(1)));
        }
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("sample-broker-test-"); // java.io.tmpdir is target/ under surefire
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
