package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PollOutcomeTest {

    private static final JsonMapper mapper = JsonMapper.shared();

    private static BrokerAnswer answer(int status, String body) {
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JacksonException e) {
            json = null;
        }
        return new BrokerAnswer(status, body, json, null, 1);
    }

    @Test
    void succeededAndFailedEndPolling() {
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "{\"state\":\"succeeded\"}")))
                .isEqualTo(new PollOutcome.Finished(OperationState.SUCCEEDED, null, "succeeded", "\"succeeded\""));
        PollOutcome failed = PollOutcome.of(OperationType.UPDATE, answer(200, "{\"state\":\"failed\",\"description\":\"disk full\"}"));
        assertThat(failed).isInstanceOf(PollOutcome.Finished.class);
        assertThat(((PollOutcome.Finished) failed).state()).isEqualTo(OperationState.FAILED);
        assertThat(((PollOutcome.Finished) failed).description()).isEqualTo("disk full");
    }

    @Test
    void failedWithoutADescriptionStillSaysWhatFailed() {
        PollOutcome.Finished failed = (PollOutcome.Finished) PollOutcome.of(OperationType.DELETE,
                answer(200, "{\"state\":\"failed\"}"));
        assertThat(failed.description()).isEqualTo("The service broker reported that the delete failed");
    }

    @Test
    void inProgressKeepsPollingWithTheBrokersDescription() {
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "{\"state\":\"in progress\",\"description\":\"50%\"}")))
                .isEqualTo(new PollOutcome.StillRunning("50%"));
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "{\"state\":\"in progress\"}")))
                .isEqualTo(new PollOutcome.StillRunning(null));
    }

    @Test
    void goneIsSuccessForADeleteOnly() {
        assertThat(PollOutcome.of(OperationType.DELETE, answer(410, "{}")))
                .isInstanceOfSatisfying(PollOutcome.Finished.class, f -> assertThat(f.state()).isEqualTo(OperationState.SUCCEEDED));
        assertThat(PollOutcome.of(OperationType.CREATE, answer(410, "{}"))).isInstanceOf(PollOutcome.NoValidAnswer.class);
        assertThat(PollOutcome.of(OperationType.UPDATE, answer(410, "{}"))).isInstanceOf(PollOutcome.NoValidAnswer.class);
    }

    @Test
    void anythingElseIsNoValidAnswer() {
        assertThat(PollOutcome.of(OperationType.CREATE, answer(500, "{}")).summary()).isEqualTo("HTTP 500");
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "<html>")).summary())
                .isEqualTo("HTTP 200 with a body that is not a JSON object");
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "{\"state\":\"done\"}")).summary())
                .isEqualTo("HTTP 200 with an unknown state \"done\"");
        assertThat(PollOutcome.of(OperationType.CREATE, answer(200, "{}")).summary())
                .isEqualTo("HTTP 200 with an unknown state (none)");
    }
}
