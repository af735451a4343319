package io.provisioner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus server (Debian's {@code prometheus} package; installed with apt-get when missing, as CI
 * runs as root) on a free loopback port, scraping the given targets every second and evaluating
 * {@code deploy/prometheus}'s rules. Also runs {@code promtool}, which comes with it.
 */
final class RealPrometheus implements AutoCloseable {

    static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    static final Path ALERTS = DEPLOY.resolve("prometheus/provisioner-alerts.yml");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process process;
    private final String url;

    private RealPrometheus(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts Prometheus scraping {@code /actuator/prometheus} of each base URL ({@code http://host:port}). */
    static RealPrometheus scraping(List<String> baseUrls, Path workDir) throws IOException {
        installIfMissing();
        Files.createDirectories(workDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> targets = new ArrayList<>();
        for (String base : baseUrls) {
            targets.add("'" + URI.create(base).getAuthority() + "'");
        }
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ['%s']
                scrape_configs:
                  - job_name: provisioner
                    metrics_path: /actuator/prometheus
                    static_configs: [{targets: [%s]}]
                """.formatted(ALERTS, String.join(", ", targets)));
        Process process = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile()).start();
        return new RealPrometheus(process, "http://127.0.0.1:" + port);
    }

    static void installIfMissing() throws IOException {
        if (onPath("prometheus") && onPath("promtool")) {
            return;
        }
        ProcessResult install = run(List.of("apt-get", "install", "-y", "--no-install-recommends", "prometheus"));
        if (!onPath("prometheus")) {
            throw new IllegalStateException("Prometheus is not installed and apt-get could not install it (run as root, "
                    + "or apt-get install prometheus): " + install.output());
        }
    }

    private static boolean onPath(String command) throws IOException {
        return run(List.of("sh", "-c", "command -v " + command)).exitCode() == 0;
    }

    record ProcessResult(int exitCode, String output) {
    }

    static ProcessResult run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end");
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code /api/v1/query}'s answer: its {@code status}, and {@code data.result} or {@code error}. */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
