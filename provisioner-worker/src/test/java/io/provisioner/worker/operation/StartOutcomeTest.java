package io.provisioner.worker.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.worker.broker.BrokerAnswer;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The status-code decision for provision, update and deprovision answers, row by row of the
 * orphan-mitigation table (OSB_CONTRACT.md), without Spring.
 */
class StartOutcomeTest {

    private static final OsbCall CALL = new OsbCall(OsbEndpoint.PROVISION, "PUT", "/v2/service_instances/i",
            "accepts_incomplete=true", null, "rid", null);

    private static BrokerAnswer answer(int status, String body) {
        JsonNode json;
        try {
            json = body.isBlank() ? null : JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            json = null;
        }
        return new BrokerAnswer(status, body, json, "7", 1);
    }

    private static String kind(StartOutcome outcome) {
        if (outcome instanceof StartOutcome.Finished finished) {
            return finished.state().wire();
        }
        return outcome.getClass().getSimpleName();
    }

    @ParameterizedTest(name = "{0} answered {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            CREATE | 200 | {}                     | succeeded
            CREATE | 201 | {}                     | succeeded
            CREATE | 202 | {"operation":"o"}      | Accepted
            CREATE | 200 | not json               | failed
            CREATE | 201 | not json               | Orphaned
            CREATE | 201 | ''                     | Orphaned
            CREATE | 202 | {"operation":42}       | Orphaned
            CREATE | 202 | []                     | Orphaned
            CREATE | 204 | ''                     | Orphaned
            CREATE | 500 | {}                     | Orphaned
            CREATE | 503 | {}                     | Orphaned
            CREATE | 408 | {}                     | RetryLater
            CREATE | 429 | {}                     | RetryLater
            CREATE | 400 | {}                     | failed
            CREATE | 409 | {}                     | failed
            CREATE | 410 | {}                     | failed
            CREATE | 422 | {"error":"AsyncRequired"}           | failed
            CREATE | 422 | {"error":"MaintenanceInfoConflict"} | failed
            CREATE | 422 | {"error":"ConcurrencyError"}        | RetryLater
            UPDATE | 200 | {}                     | succeeded
            UPDATE | 202 | {}                     | Accepted
            UPDATE | 200 | not json               | failed
            UPDATE | 202 | not json               | failed
            UPDATE | 201 | {}                     | failed
            UPDATE | 204 | ''                     | failed
            UPDATE | 500 | {}                     | failed
            UPDATE | 422 | {"error":"ConcurrencyError"}        | RetryLater
            UPDATE | 422 | {"error":"UnsupportedChange"}       | failed
            DELETE | 200 | {}                     | succeeded
            DELETE | 200 | not json               | succeeded
            DELETE | 410 | {}                     | succeeded
            DELETE | 202 | {"operation":"o"}      | Accepted
            DELETE | 202 | not json               | RetryLater
            DELETE | 201 | {}                     | RetryLater
            DELETE | 204 | ''                     | RetryLater
            DELETE | 500 | {}                     | RetryLater
            DELETE | 400 | {}                     | failed
            DELETE | 422 | {"error":"AsyncRequired"}           | failed
            DELETE | 422 | {"error":"ConcurrencyError"}        | RetryLater
            """)
    void eachAnswerHasOneMeaning(OperationType type, int status, String body, String expected) {
        assertThat(kind(StartOutcome.of(type, CALL, answer(status, body)))).isEqualTo(expected);
    }

    @Test
    void acceptedCarriesTheBrokersOperationDashboardAndRetryAfter() {
        assertThat(StartOutcome.of(OperationType.CREATE, CALL,
                answer(202, "{\"operation\":\"op 1\",\"dashboard_url\":\"http://d\"}")))
                .isEqualTo(new StartOutcome.Accepted("op 1", "http://d", "7"));
        assertThat(StartOutcome.of(OperationType.DELETE, CALL, answer(202, "{}")))
                .isEqualTo(new StartOutcome.Accepted(null, null, "7"));
    }

    @Test
    void anOperationLongerThanOsbAllowsIsMalformed() {
        String tooLong = "x".repeat(10_001);
        assertThat(StartOutcome.of(OperationType.CREATE, CALL, answer(202, "{\"operation\":\"" + tooLong + "\"}")))
                .isInstanceOf(StartOutcome.Orphaned.class);
    }

    @Test
    void aSynchronousCreateKeepsTheDashboard() {
        assertThat(StartOutcome.of(OperationType.CREATE, CALL, answer(201, "{\"dashboard_url\":\"http://d\"}")))
                .isEqualTo(new StartOutcome.Finished(OperationState.SUCCEEDED, null, "http://d"));
    }

    @Test
    void conflictAndMaintenanceInfoSayWhatToDo() {
        StartOutcome conflict = StartOutcome.of(OperationType.CREATE, CALL, answer(409, "{}"));
        assertThat(((StartOutcome.Finished) conflict).description()).startsWith(
                "The service broker already has an instance with this id, with different attributes (409 Conflict)");
        StartOutcome maintenance = StartOutcome.of(OperationType.CREATE, CALL,
                answer(422, "{\"error\":\"MaintenanceInfoConflict\",\"description\":\"version 2 expected\"}"));
        assertThat(((StartOutcome.Finished) maintenance).description()).contains("update the broker's catalog",
                "version 2 expected");
    }

    private static final OsbCall BIND = new OsbCall(OsbEndpoint.BIND, "PUT",
            "/v2/service_instances/i/service_bindings/b", "accepts_incomplete=true", null, "rid", null);

    @ParameterizedTest(name = "bind answered {0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            200 | {"credentials":{"p":"x"}}  | succeeded
            201 | {"credentials":{"p":"x"}}  | succeeded
            201 | {}                         | succeeded
            202 | {"operation":"o"}          | Accepted
            200 | {"credentials":"x"}        | failed
            201 | {"credentials":"x"}        | Orphaned
            201 | not json                   | Orphaned
            202 | {"operation":42}           | Orphaned
            204 | ''                         | Orphaned
            500 | {}                         | Orphaned
            408 | {}                         | RetryLater
            409 | {}                         | failed
            422 | {"error":"AsyncRequired"}  | failed
            400 | {}                         | failed
            """)
    void bindAnswersFollowTheOrphanMitigationTableForBindings(int status, String body, String expected) {
        assertThat(kind(StartOutcome.of(OperationType.CREATE, BIND, answer(status, body)))).isEqualTo(expected);
    }

    @Test
    void aBoundAnswerCarriesTheCredentialsAndAMalformedOneIsNeverQuoted() {
        StartOutcome bound = StartOutcome.of(OperationType.CREATE, BIND, answer(201, "{\"credentials\":{\"p\":\"x\"}}"));
        StartOutcome broken = StartOutcome.of(OperationType.CREATE, BIND, answer(201, "{\"credentials\": \"pw-secret\""));

        assertThat(((StartOutcome.Finished) bound).credentials()).isEqualTo("{\"p\":\"x\"}");
        assertThat(bound.toString()).doesNotContain("\"x\"");
        assertThat(((StartOutcome.Orphaned) broken).failure()).doesNotContain("pw-secret").contains("not quoted");
    }
}
