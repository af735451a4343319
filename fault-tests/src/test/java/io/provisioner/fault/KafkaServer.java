package io.provisioner.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Kafka broker process ({@link KafkaBrokerMain}) of one scenario, on fixed ports and a fixed data folder. */
final class KafkaServer implements AutoCloseable {

    final int port;
    final int controllerPort;
    private final Path dataDir;
    private final ManagedProcess process;

    KafkaServer(Path dir) {
        this.port = Procs.freePort();
        this.controllerPort = Procs.freePort();
        this.dataDir = dir.resolve("data");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        this.process = new ManagedProcess("kafka", List.of(Procs.javaBinary(), "-Xmx512m", "-Xms128m",
                "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + dir, "-cp", classpath, KafkaBrokerMain.class.getName(),
                dataDir.toString(), Integer.toString(port), Integer.toString(controllerPort)),
                Map.of(), dir.resolve("kafka.log"), () -> Files.exists(dataDir.resolve("ready")));
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    KafkaServer launch() {
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(dataDir.resolve("ready"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        process.launch();
        return this;
    }

    /** The port accepts connections, and the cluster shows this broker (registered, unfenced). */
    KafkaServer awaitReady() {
        process.awaitReady(Duration.ofSeconds(90));
        java.util.Properties config = new java.util.Properties();
        config.put("bootstrap.servers", bootstrap());
        config.put("request.timeout.ms", "2000");
        config.put("default.api.timeout.ms", "3000");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(3, java.util.concurrent.TimeUnit.SECONDS).isEmpty()) {
                        return this;
                    }
                } catch (Exception e) {
                    // not yet
                }
                Procs.sleep(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("Kafka on " + bootstrap() + " did not join its cluster in 60 s; log "
                + process.log + ":\n" + Procs.tail(process.log, 40));
    }

    KafkaServer start() {
        return launch().awaitReady();
    }

    void kill9() {
        process.kill9();
    }

    void stop() {
        process.stop(Duration.ofSeconds(40));
    }

    void freeze() {
        process.freeze();
    }

    void thaw() {
        process.thaw();
    }

    Path log() {
        return process.log;
    }

    @Override
    public void close() {
        process.close();
    }
}
