package io.provisioner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

import io.provisioner.gateway.GatewayApplication;
import io.provisioner.local.kafka.LocalKafkaBroker;
import io.provisioner.samplebroker.SampleBrokerApplication;
import io.provisioner.schemas.SecretSealer;
import io.provisioner.worker.WorkerApplication;

/**
 * The whole system in one JVM: a Kafka broker keeping its log in the data folder, the sample broker,
 * the worker and the gateway (H2 file database in the data folder unless a database URL is given),
 * each its own Spring application. Started in dependency order, so once the gateway answers, the
 * stack can serve; closed in reverse.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    /** Auto-configurations the apps without a database must not pick up from the shared classpath. */
    private static final String NO_DATABASE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
            + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";
    private static final String NO_KAFKA = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration";
    /** Only the gateway authenticates; the others must not pick up Spring Security's defaults from the classpath. */
    private static final String NO_SECURITY = "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration,"
            + "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration";

    /** UAA's issuer is its base URL plus /oauth/token; with a random port, any fixed name does. */
    private static String issuer(LocalSettings settings) {
        return settings.gatewayPort() == 0 ? "http://localhost/oauth/token"
                : "http://localhost:" + settings.gatewayPort() + "/oauth/token";
    }

    static final String SAMPLE_BROKER_USERNAME = "broker";
    /** The local run's well-known client for Kafka integrations; like the rest, only reachable on loopback. */
    static final String INTEGRATION_CLIENT = "local-integration";
    static final String INTEGRATION_CLIENT_SECRET = "local-integration-secret";
    static final String SAMPLE_BROKER_PASSWORD = "broker-secret";

    private final LocalSettings settings;
    private final String secretKey;
    private LocalKafkaBroker kafka;
    private ConfigurableApplicationContext sampleBroker;
    private ConfigurableApplicationContext worker;
    private List<String> gatewayArgs = List.of();
    private ConfigurableApplicationContext gateway;

    private LocalStack(LocalSettings settings) {
        this.settings = settings;
        OwnerOnly.folder(settings.dataDir());
        this.secretKey = secretKey(settings.dataDir());
    }

    public static LocalStack start(LocalSettings settings) {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        long started = System.nanoTime();
        quietKafkaLogs();
        // Kafka and the sample broker need nothing of each other: they start side by side (a third of the
        // time to ready). The worker needs Kafka, the gateway both (it reads the sample broker's catalog).
        var kafkaStart = AppNames.startingAside("kafka", () -> LocalKafkaBroker.start(settings.dataDir().resolve("kafka"),
                settings.kafkaPort(), settings.kafkaControllerPort(), 3));
        try {
            startSampleBroker();
        } finally {
            kafka = AppNames.await(kafkaStart);
        }
        startWorker();
        List<String> gatewayArgs = new ArrayList<>(List.of(
                "--server.port=" + settings.gatewayPort(),
                "--server.address=" + settings.bindAddress(),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--provisioner.gateway.secret-key=" + secretKey,
                // The local UAA-compatible issuer; its key is kept so tokens survive a restart.
                "--provisioner.token-issuer.enabled=true",
                "--provisioner.token-issuer.key-file=" + settings.dataDir().resolve("token-signing-key.pem"),
                "--provisioner.security.issuer=" + issuer(settings),
                // A client for systems that send commands over Kafka (client_credentials; README, "Integrating over Kafka").
                "--provisioner.token-issuer.clients[0].client-id=" + INTEGRATION_CLIENT,
                "--provisioner.token-issuer.clients[0].client-secret=" + INTEGRATION_CLIENT_SECRET,
                "--provisioner.token-issuer.clients[0].authorities=cloud_controller.admin,cloud_controller.write"));
        if (settings.seed()) {
            gatewayArgs.addAll(List.of(
                    "--provisioner.catalog.seed.organization=local-org",
                    "--provisioner.catalog.seed.space=local-space",
                    "--provisioner.catalog.seed.brokers[0].name=sample-broker",
                    "--provisioner.catalog.seed.brokers[0].url=" + sampleBrokerUrl(),
                    "--provisioner.catalog.seed.brokers[0].username=" + SAMPLE_BROKER_USERNAME,
                    "--provisioner.catalog.seed.brokers[0].password=" + SAMPLE_BROKER_PASSWORD));
        }
        boolean h2 = settings.databaseUrl() == null || settings.databaseUrl().isBlank();
        if (h2) {
            OwnerOnly.folder(settings.h2Folder());
            gatewayArgs.add("--spring.datasource.url=" + settings.h2Url());
            gatewayArgs.add("--spring.datasource.username=sa");
            gatewayArgs.add("--spring.datasource.password=");
        } else {
            gatewayArgs.add("--spring.datasource.url=" + settings.databaseUrl());
            gatewayArgs.add("--spring.datasource.username=" + settings.databaseUser());
            gatewayArgs.add("--spring.datasource.password=" + settings.databasePassword());
        }
        this.gatewayArgs = List.copyOf(gatewayArgs);
        gateway = AppNames.starting("gateway", () -> GatewayApplication.builder().run(args(gatewayArgs.toArray(String[]::new))));
        // The database creates its files with the process's umask; the folder is owner-only already.
        if (h2) {
            OwnerOnly.filesIn(settings.h2Folder());
        }
        OwnerOnly.file(settings.dataDir().resolve("token-signing-key.pem"));
        log.info("Provisioner is up in {} ms: API {} (sample broker {}, Kafka {}, data in {})",
                (System.nanoTime() - started) / 1_000_000, gatewayUrl(), sampleBrokerUrl(), kafka.bootstrapServers(),
                settings.dataDir());
        announceExposure();
    }

    /** The local run has well-known credentials: say where it listens, loudly when that is not loopback. */
    private void announceExposure() {
        String where = "gateway " + settings.bindAddress() + ":" + port(gateway) + ", worker " + settings.bindAddress()
                + ":" + port(worker) + ", sample broker " + settings.bindAddress() + ":" + port(sampleBroker) + ", Kafka "
                + kafka.bootstrapServers();
        String credentials = "the credentials are the well-known local defaults (API user admin, sample broker user "
                + SAMPLE_BROKER_USERNAME + ")";
        if (settings.reachableFromOutside()) {
            log.warn("Listening on {} (PROVISIONER_BIND_ADDRESS={}): other machines can reach it, and {}. "
                    + "Unset PROVISIONER_BIND_ADDRESS to listen on 127.0.0.1 only.", where, settings.bindAddress(),
                    credentials);
        } else {
            log.info("Listening on loopback only ({}); {}. Set PROVISIONER_BIND_ADDRESS to listen elsewhere.", where,
                    credentials);
        }
    }

    /** The Kafka broker starts before any Spring app has set log levels; keep its chatter down. */
    private static void quietKafkaLogs() {
        LoggingSystem logging = LoggingSystem.get(LocalStack.class.getClassLoader());
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            logging.setLogLevel(logger, LogLevel.WARN);
        }
    }

    private void startSampleBroker() {
        sampleBroker = AppNames.starting("sample-broker", () -> SampleBrokerApplication.builder().run(args(
                "--server.port=" + settings.sampleBrokerPort(),
                "--server.address=" + settings.bindAddress(),
                "--sample-broker.data-dir=" + settings.dataDir().resolve("sample-broker"),
                "--sample-broker.username=" + SAMPLE_BROKER_USERNAME,
                "--sample-broker.password=" + SAMPLE_BROKER_PASSWORD,
                "--spring.autoconfigure.exclude=" + NO_DATABASE + "," + NO_KAFKA + "," + NO_SECURITY)));
    }

    private void startWorker() {
        worker = AppNames.starting("worker", () -> WorkerApplication.builder().run(args(workerArgs(settings.workerPort()))));
    }

    private String[] workerArgs(int port) {
        return new String[] {"--server.port=" + port,
                "--server.address=" + settings.bindAddress(),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--provisioner.worker.secret-key=" + secretKey,
                "--spring.autoconfigure.exclude=" + NO_DATABASE + "," + NO_SECURITY};
    }

    private static String[] args(String... specific) {
        List<String> all = new ArrayList<>(List.of(specific));
        all.add("--spring.main.banner-mode=off");
        // Each line names its app (AppNames), although the three share one logging system.
        all.add("--logging.config=classpath:logback-local.xml");
        all.add("--logging.level.kafka=WARN");
        all.add("--logging.level.org.apache.kafka=WARN");
        all.add("--logging.level.state.change.logger=WARN");
        return all.toArray(String[]::new);
    }

    /**
     * The arguments of another gateway on {@code port}, sharing the database, Kafka, secret key and token key
     * (the database must be one that several processes can open, e.g. PostgreSQL). The first gateway has
     * seeded the catalog; another serves what is there.
     */
    public List<String> gatewayReplicaArgs(int port) {
        List<String> replicaArgs = new ArrayList<>();
        for (String arg : gatewayArgs) {
            if (!arg.startsWith("--server.port=") && !arg.startsWith("--provisioner.catalog.seed.")) {
                replicaArgs.add(arg);
            }
        }
        replicaArgs.add("--server.port=" + port);
        return List.of(args(replicaArgs.toArray(String[]::new)));
    }

    /** The arguments of another worker on {@code port}, in the same consumer groups as the first. */
    public List<String> workerReplicaArgs(int port) {
        return List.of(args(workerArgs(port)));
    }

    /** Stops the worker and starts a new one, as a crash and restart would; in-flight work resumes. */
    public void restartWorker() {
        worker.close();
        startWorker();
    }

    public void stopWorker() {
        worker.close();
    }

    public void startWorkerAgain() {
        startWorker();
    }

    public String gatewayUrl() {
        return "http://" + settings.connectHost() + ":" + port(gateway);
    }

    public String workerUrl() {
        return "http://" + settings.connectHost() + ":" + port(worker);
    }

    public String sampleBrokerUrl() {
        return "http://" + settings.connectHost() + ":" + port(sampleBroker);
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }

    /**
     * The key sealing broker passwords is generated on the first run and kept in the data folder, so
     * that a restarted stack can still open what it sealed before.
     */
    private static String secretKey(Path dataDir) {
        String fromEnvironment = System.getenv("PROVISIONER_SECRET_KEY");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        Path file = dataDir.resolve("secret.key");
        try {
            if (Files.exists(file)) {
                OwnerOnly.file(file);
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            String key = SecretSealer.newKey();
            OwnerOnly.write(file, key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret key in " + file, e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable part : new AutoCloseable[] {gateway, worker, sampleBroker, kafka}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    log.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.getMessage());
                }
            }
        }
    }
}
