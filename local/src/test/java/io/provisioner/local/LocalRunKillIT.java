package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local run as a user runs it: {@code java -jar provisioner-local.jar}, killed with SIGKILL while an
 * asynchronous operation is in flight, then started again on the same data folder. The operation must
 * still finish.
 */
class LocalRunKillIT {

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            process.waitFor();
        }
    }

    private Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", System.getProperty("provisioner.local.jar"));
        builder.environment().putAll(env);
        builder.environment().remove("PROVISIONER_DB_URL");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    @Test
    void aLocalRunKilledDuringAnAsynchronousOperationFinishesItAfterARestart() throws Exception {
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kill-");
        Path log = data.resolve("run.log");
        int gateway = AppProcess.freePort();
        int broker = AppProcess.freePort();
        Map<String, String> env = Map.of(
                "PROVISIONER_DATA_DIR", data.toString(),
                "GATEWAY_PORT", String.valueOf(gateway),
                "WORKER_PORT", String.valueOf(AppProcess.freePort()),
                "SAMPLE_BROKER_PORT", String.valueOf(broker),
                "KAFKA_PORT", String.valueOf(AppProcess.freePort()),
                "KAFKA_CONTROLLER_PORT", String.valueOf(AppProcess.freePort()));
        StackClient client = new StackClient("http://127.0.0.1:" + gateway);
        String brokerUrl = "http://127.0.0.1:" + broker;

        Process first = start(env, log);
        awaitReady(client, first, log);
        String guid = client.create("survivor-" + UUID.randomUUID(), StackClient.ASYNC_PLAN,
                Map.of("sample_broker", Map.of("delay_ms", 4000)));
        await().atMost(Duration.ofSeconds(15)).until(() -> provisionCalls(client, brokerUrl, guid) == 1);

        first.destroyForcibly().waitFor();
        assertThat(first.exitValue()).as("killed with SIGKILL").isEqualTo(137);

        Process second = start(env, log);
        awaitReady(client, second, log);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.lastOperation(guid).get("state").asString().equals("succeeded"));
        // The broker's request log starts empty after the restart. A kill between the broker's answer and
        // the offset commit may repeat the provision once, which OSB's idempotent PUT absorbs.
        assertThat(provisionCalls(client, brokerUrl, guid)).isLessThanOrEqualTo(1);
    }

    private static void awaitReady(StackClient client, Process process, Path log) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the local run exited: " + Files.readString(log));
            }
            try {
                var answer = client.call("GET", "/actuator/health/readiness", null);
                return answer.status() == 200 && answer.body().get("status").asString().equals("UP");
            } catch (UncheckedIOException e) {
                return false;
            }
        });
    }

    private static long provisionCalls(StackClient client, String brokerUrl, String guid) {
        long calls = 0;
        for (var request : client.sampleBrokerRequests(brokerUrl)) {
            if (request.get("method").asString().equals("PUT")
                    && request.get("path").asString().equals("/v2/service_instances/" + guid)) {
                calls++;
            }
        }
        return calls;
    }
}
