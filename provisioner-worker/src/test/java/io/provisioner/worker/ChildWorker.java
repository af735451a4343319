package io.provisioner.worker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker in a JVM of its own, on the test's classpath and Kafka: the only way to kill one honestly
 * ({@code kill -9}: no shutdown hook, no commit, no goodbye to the consumer group), or to send it a real
 * SIGTERM.
 */
final class ChildWorker {

    private final Process process;
    private final Path log;
    private final int port;

    private ChildWorker(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ChildWorker start(String name, String bootstrapServers) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "child-worker-" + name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), WorkerApplication.class.getName(),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--provisioner.worker.secret-key=" + WorkerIntegrationTest.SECRET_KEY,
                // A killed member's partitions move on after 2 s (the embedded broker allows it).
                "--spring.kafka.consumer.properties.session.timeout.ms=2000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=500",
                "--provisioner.worker.polling.threads=8",
                "--spring.main.banner-mode=off",
                "--logging.level.org.apache.kafka=WARN");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildWorker child = new ChildWorker(process, log, port);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker " + name + " died at start-up; see " + log);
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return child;
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns how long the worker took to stop, or null if it did not within the bound. */
    Duration terminate(Duration bound) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? Duration.ofNanos(System.nanoTime() - started)
                : null;
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    int port() {
        return port;
    }
}
