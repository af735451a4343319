package io.provisioner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class OpenLoopTest {

    @Test
    void sendsRateTimesDurationRequestsAndCountsErrorsByStatus() {
        OpenLoop.Result result = OpenLoop.run(200, Duration.ofMillis(100), 100, Duration.ofSeconds(5),
                i -> CompletableFuture.completedFuture(i % 4 == 0 ? 503 : 201));

        assertThat(result.sent()).isEqualTo(20);
        assertThat(result.ok()).isEqualTo(15);
        assertThat(result.errors()).containsExactlyEntriesOf(java.util.Map.of("503", 5L));
        assertThat(result.latency().getTotalCount()).isEqualTo(20);
    }

    @Test
    void aRequestDueWhileTheClientLimitIsReachedIsAnErrorNotAWait() {
        OpenLoop.Result result = OpenLoop.run(1000, Duration.ofMillis(10), 3, Duration.ofMillis(100),
                i -> new CompletableFuture<>());

        assertThat(result.sent()).isEqualTo(10);
        assertThat(result.ok()).isZero();
        assertThat(result.errors()).containsEntry("client-limit", 7L).containsEntry("timeout", 3L);
    }

    @Test
    void aFailedSendCountsUnderItsExceptionName() {
        OpenLoop.Result result = OpenLoop.run(100, Duration.ofMillis(30), 10, Duration.ofSeconds(5),
                i -> CompletableFuture.failedFuture(new java.net.ConnectException("refused")));

        assertThat(result.ok()).isZero();
        assertThat(result.errors()).containsEntry("ConnectException", 3L);
    }
}
