package io.provisioner.worker.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.json.JsonMapper;

/** The status-code decision for provision, update and deprovision answers, without Spring. */
class RequestOutcomeTest {

    private static final OsbCall CALL = new OsbCall(OsbEndpoint.PROVISION, "PUT", "/v2/service_instances/i",
            "accepts_incomplete=true", null, "rid", null);

    private static BrokerAnswer answer(int status, String body) {
        return new BrokerAnswer(status, body, JsonMapper.shared().readTree(body), "7", 1);
    }

    @ParameterizedTest
    @CsvSource({
            "CREATE, 200, succeeded", "CREATE, 201, succeeded", "CREATE, 204, failed", "CREATE, 409, failed",
            "CREATE, 410, failed", "CREATE, 422, failed", "CREATE, 500, failed",
            "UPDATE, 200, succeeded", "UPDATE, 201, succeeded", "UPDATE, 400, failed",
            "DELETE, 200, succeeded", "DELETE, 410, succeeded", "DELETE, 201, failed", "DELETE, 422, failed"})
    void finalAnswers(OperationType type, int status, String state) {
        RequestOutcome outcome = RequestOutcome.of(type, CALL, answer(status, "{}"));
        assertThat(outcome).isInstanceOfSatisfying(RequestOutcome.Finished.class,
                finished -> assertThat(finished.state()).isEqualTo(OperationState.fromWire(state)));
    }

    @Test
    void acceptedCarriesTheBrokersOperationDashboardAndRetryAfter() {
        assertThat(RequestOutcome.of(OperationType.CREATE, CALL, answer(202, "{\"operation\":\"op 1\",\"dashboard_url\":\"http://d\"}")))
                .isEqualTo(new RequestOutcome.Accepted("op 1", "http://d", "7"));
        assertThat(RequestOutcome.of(OperationType.DELETE, CALL, answer(202, "{}")))
                .isEqualTo(new RequestOutcome.Accepted(null, null, "7"));
    }

    @Test
    void aSynchronousCreateKeepsTheDashboard() {
        assertThat(RequestOutcome.of(OperationType.CREATE, CALL, answer(201, "{\"dashboard_url\":\"http://d\"}")))
                .isEqualTo(new RequestOutcome.Finished(OperationState.SUCCEEDED, null, "http://d"));
    }
}
