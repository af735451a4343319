package io.provisioner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The process under test: the local run this benchmark starts itself ({@code --start}), or one already
 * running ({@code --pid}, optional). Its RSS and CPU time come from {@code /proc}.
 */
final class LocalRun implements AutoCloseable {

    private final Process process;
    private final long pid;
    private final Duration timeToReady;

    private LocalRun(Process process, long pid, Duration timeToReady) {
        this.process = process;
        this.pid = pid;
        this.timeToReady = timeToReady;
    }

    static LocalRun attach(Long pid) {
        return new LocalRun(null, pid == null ? -1 : pid, null);
    }

    /** Starts {@code java -jar <jar>} on a fresh data folder and waits until the gateway says it is ready. */
    static LocalRun start(Options options) throws IOException, InterruptedException {
        if (options.recreateDb()) {
            recreateDatabase(options);
        }
        Path data = Files.createTempDirectory("provisioner-bench-data");
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(Arrays.stream(options.localJvmOptions().split(" ")).filter(s -> !s.isBlank()).toList());
        command.addAll(List.of("-jar", options.start().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile());
        builder.environment().put("PROVISIONER_DATA_DIR", data.toString());
        builder.environment().put("PROVISIONER_DB_URL", options.dbUrl());
        builder.environment().put("PROVISIONER_DB_USER", options.dbUser());
        builder.environment().put("PROVISIONER_DB_PASSWORD", options.dbPassword());
        // The ports the benchmark talks to are the ports the local run listens on.
        int gateway = URI.create(options.api()).getPort();
        int kafka = Integer.parseInt(options.kafka().substring(options.kafka().lastIndexOf(':') + 1));
        builder.environment().put("GATEWAY_PORT", Integer.toString(gateway));
        builder.environment().put("WORKER_PORT", Integer.toString(gateway + 1));
        builder.environment().put("SAMPLE_BROKER_PORT", Integer.toString(URI.create(options.brokerUrl()).getPort()));
        builder.environment().put("KAFKA_PORT", Integer.toString(kafka));
        builder.environment().put("KAFKA_CONTROLLER_PORT", Integer.toString(kafka + 1));
        long started = System.nanoTime();
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create(options.api() + "/actuator/health/readiness");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local run ended with " + process.exitValue() + "; its log is next to "
                        + data);
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(readiness).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("UP")) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Duration.ofNanos(System.nanoTime() - started).toSeconds() > 180) {
                process.destroyForcibly();
                throw new IllegalStateException("the local run was not ready within 180 s");
            }
            Thread.sleep(100);
        }
        return new LocalRun(process, process.pid(), Duration.ofNanos(System.nanoTime() - started));
    }

    private static void recreateDatabase(Options options) {
        String url = options.dbUrl();
        int slash = url.lastIndexOf('/');
        String name = url.substring(slash + 1).replaceAll("[?].*", "");
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("--recreate-db needs a plain database name, not " + name);
        }
        try (Connection admin = DriverManager.getConnection(url.substring(0, slash + 1) + "postgres", options.dbUser(),
                options.dbPassword()); Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not recreate " + name + ": " + e.getMessage(), e);
        }
    }

    Duration timeToReady() {
        return timeToReady;
    }

    boolean measurable() {
        return pid > 0 && Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** Resident set size in MiB, or -1 when there is no process to look at. */
    double rssMiB() {
        if (!measurable()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU time of the process so far, in seconds. */
    double cpuSeconds() {
        if (!measurable()) {
            return -1;
        }
        try {
            return cpuSecondsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** utime and stime are fields 14 and 15 of {@code /proc/<pid>/stat}, in clock ticks (100 per second on Linux). */
    static double cpuSecondsOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
