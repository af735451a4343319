package io.provisioner.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway or a worker in a JVM of its own, on the test's classpath, so that it can be killed with SIGKILL
 * as a node dies: nothing of it runs after {@link #kill()}, no shutdown hook, no graceful stop.
 */
final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String url;

    private AppProcess(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** Starts {@code mainClass} with {@code args} and returns once its readiness probe says UP. */
    static AppProcess start(Class<?> mainClass, List<String> args, String url, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-Xss512k", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        AppProcess app = new AppProcess(process, log, url);
        try {
            app.awaitReady();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return url;
    }

    /** SIGKILL; returns the exit status once the process is gone (137 on Linux). */
    int kill() throws InterruptedException {
        return process.destroyForcibly().waitFor();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(url + " exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return answer.statusCode() == 200 && answer.body().contains("\"UP\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
