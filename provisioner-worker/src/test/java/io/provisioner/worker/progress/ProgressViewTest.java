package io.provisioner.worker.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.provisioner.schemas.OperationType;
import io.provisioner.worker.YamlBinding;
import io.provisioner.worker.progress.OperationProgress.Phase;

import org.junit.jupiter.api.Test;

/** The rules of the in-memory table, without Kafka. */
class ProgressViewTest {

    private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");
    private final ProgressView view = new ProgressView();

    private static OperationProgress progress(String operation, OperationType type, long offset, Phase phase) {
        return new OperationProgress(operation, "instance-1", type, 0, offset, T.plusSeconds(offset), phase, null, T);
    }

    @Test
    void theNewestRequestOfAnInstanceWinsWhateverOrderTheRecordsCameIn() {
        view.apply(progress("delete", OperationType.DELETE, 9, Phase.STARTED), 1);
        // The create's poll finishes after the delete began: it must not make the create the newest again.
        view.apply(progress("create", OperationType.CREATE, 5, Phase.FINISHED), 2);

        assertThat(view.newestOf("instance-1")).hasValueSatisfying(p -> assertThat(p.operationId()).isEqualTo("delete"));
        assertThat(view.operation("create")).hasValueSatisfying(p -> assertThat(p.phase()).isEqualTo(Phase.FINISHED));
        assertThat(view.active()).isEqualTo(1);
    }

    @Test
    void anOlderVersionOfAnOperationNeverReplacesANewerOne() {
        view.apply(progress("create", OperationType.CREATE, 5, Phase.FINISHED), 7);
        view.apply(progress("create", OperationType.CREATE, 5, Phase.WAITING), 3);

        assertThat(view.operation("create")).hasValueSatisfying(p -> assertThat(p.phase()).isEqualTo(Phase.FINISHED));
    }

    @Test
    void positionsInDifferentPartitionsAreOrderedByRequestTime() {
        OperationProgress earlier = new OperationProgress("a", "i", OperationType.CREATE, 0, 100L, T, Phase.WAITING, null, T);
        OperationProgress later = new OperationProgress("b", "i", OperationType.DELETE, 1, 3L, T.plusSeconds(1),
                Phase.WAITING, null, T);

        assertThat(later.newerThan(earlier)).isTrue();
        assertThat(earlier.newerThan(later)).isFalse();
        assertThat(earlier.newerThan(new RequestPosition(0, 99), null)).isTrue();
    }

    @Test
    void finishedOperationsAreForgottenAfterTheRetention() {
        view.apply(progress("old", OperationType.CREATE, 1, Phase.FINISHED), 1);
        view.forgetFinishedBefore(T.plus(Duration.ofMinutes(1)));

        assertThat(view.operation("old")).isEmpty();
        assertThat(view.newestOf("instance-1")).isEmpty();
    }

    @Test
    void settingsBindFromYamlAndHaveDefaults() {
        assertThat(YamlBinding.bind("settings.yml", "provisioner.worker.progress", ProgressSettings.class))
                .isEqualTo(new ProgressSettings(Duration.ofDays(14), Duration.ofMinutes(2)));
        assertThat(YamlBinding.defaults("provisioner.worker.progress", ProgressSettings.class))
                .isEqualTo(new ProgressSettings(Duration.ofDays(8), Duration.ofSeconds(60)));
    }
}
