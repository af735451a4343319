package io.provisioner.fault;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One scenario's system, every part its own process: a PostgreSQL server, a Kafka broker, the sample broker,
 * the worker and the gateway, on free ports, with logs and data under {@code dir}.
 */
final class Stack implements AutoCloseable {

    static final String ASYNC_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b02";
    static final String FAILING_PLAN = "5d0f3f6e-6d4a-4c7e-9a36-6b1b0f0c1b03";
    static final String BROKER_USER = "broker";
    static final String BROKER_PASSWORD = "broker-secret-" + Long.toHexString(new SecureRandom().nextLong());

    /** The three application jars (copied once per suite run, so a rebuild elsewhere cannot pull them away). */
    record Jars(Path gateway, Path worker, Path broker) {
    }

    final Path dir;
    final Postgres postgres;
    final KafkaServer kafka;
    final ManagedProcess sampleBroker;
    final ManagedProcess worker;
    final ManagedProcess gateway;
    final int gatewayPort;
    final int workerPort;
    final int brokerPort;
    final GatewayClient client;
    final BrokerTruth broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Stack(Path dir, Jars jars) {
        this.dir = dir;
        String secretKey = newKey();
        this.gatewayPort = Procs.freePort();
        this.workerPort = Procs.freePort();
        this.brokerPort = Procs.freePort();

        CompletableFuture<Postgres> pg = CompletableFuture.supplyAsync(() -> Postgres.create(dir.resolve("postgres")));
        this.kafka = new KafkaServer(dir.resolve("kafka"));
        closeables.add(kafka);
        kafka.launch();
        this.sampleBroker = new ManagedProcess("sample-broker", javaJar(jars.broker(), "-Xmx768m", List.of(
                "--server.port=" + brokerPort,
                "--sample-broker.data-dir=" + dir.resolve("sample-broker-data"),
                "--sample-broker.username=" + BROKER_USER,
                "--sample-broker.password=" + BROKER_PASSWORD,
                "--sample-broker.request-log-size=250000")),
                Map.of(), dir.resolve("sample-broker.log"), () -> Http.up(brokerUrl() + "/actuator/health"));
        closeables.add(sampleBroker);
        sampleBroker.launch();

        Postgres started;
        try {
            started = pg.join();
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.postgres = started;
        closeables.add(postgres);
        try {
            kafka.awaitReady();
            sampleBroker.awaitReady(Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }

        Map<String, String> env = Map.of("PROVISIONER_SECRET_KEY", secretKey);
        this.worker = new ManagedProcess("worker", javaJar(jars.worker(), "-Xmx384m", List.of(
                "--server.port=" + workerPort,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrap())),
                env, dir.resolve("worker.log"), () -> Http.up(workerUrl() + "/actuator/health/readiness"));
        closeables.add(worker);
        this.gateway = new ManagedProcess("gateway", javaJar(jars.gateway(), "-Xmx512m", List.of(
                "--server.port=" + gatewayPort,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrap(),
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                // The local token issuer (admin/admin); its key is kept so a restarted gateway accepts old tokens.
                "--provisioner.token-issuer.enabled=true",
                "--provisioner.token-issuer.key-file=" + dir.resolve("gateway-token-key.pem"),
                "--provisioner.catalog.seed.organization=fault-org",
                "--provisioner.catalog.seed.space=fault-space",
                "--provisioner.catalog.seed.brokers[0].name=sample-broker",
                "--provisioner.catalog.seed.brokers[0].url=" + brokerUrl(),
                "--provisioner.catalog.seed.brokers[0].username=" + BROKER_USER,
                "--provisioner.catalog.seed.brokers[0].password=" + BROKER_PASSWORD)),
                env, dir.resolve("gateway.log"), () -> Http.up(gatewayUrl() + "/actuator/health/readiness"));
        closeables.add(gateway);
        try {
            worker.launch();
            gateway.launch();
            worker.awaitReady(Duration.ofSeconds(120));
            gateway.awaitReady(Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.client = new GatewayClient(gatewayUrl());
        this.broker = new BrokerTruth(brokerUrl(), BROKER_USER, BROKER_PASSWORD);
    }

    static Stack start(Path dir, Jars jars) {
        return new Stack(dir, jars);
    }

    private List<String> javaJar(Path jar, String heap, List<String> args) {
        // C1 only: half the start-up time on 2 cores; the suite is about correctness, not peak speed.
        List<String> command = new ArrayList<>(List.of(Procs.javaBinary(), heap, "-XX:+UseSerialGC", "-Xss512k",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + dir, "-jar", jar.toString()));
        command.addAll(args);
        command.add("--spring.main.banner-mode=off");
        command.add("--logging.level.org.apache.kafka=WARN");
        command.add("--logging.level.kafka=WARN");
        return command;
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    String workerUrl() {
        return "http://127.0.0.1:" + workerPort;
    }

    String brokerUrl() {
        return "http://127.0.0.1:" + brokerPort;
    }

    private static String newKey() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private void closeQuietly() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
        closeables.clear();
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
