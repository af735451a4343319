package io.provisioner.worker.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class BrokerErrorsTest {

    private static final OsbCall PUT = new OsbCall(OsbEndpoint.PROVISION, "PUT", "/v2/service_instances/i-1",
            "accepts_incomplete=true", new byte[0], "rid", null);

    private static BrokerAnswer json(int status, String body, int attempts) {
        return new BrokerAnswer(status, body, JsonMapper.shared().readTree(body), null, attempts);
    }

    @Test
    void theBrokersDescriptionComesFirstThenWhereItCameFrom() {
        assertThat(BrokerErrors.describe(json(500, "{\"error\":\"X\",\"description\":\"plan is full\"}", 1), PUT))
                .isEqualTo("Service broker error: plan is full (HTTP 500 from PUT /v2/service_instances/i-1, error \"X\")");
    }

    @Test
    void attemptsAreNamedWhenThereWereSeveral() {
        assertThat(BrokerErrors.describe(json(503, "{\"description\":\"busy\"}", 3), PUT))
                .isEqualTo("Service broker error: busy (HTTP 503 from PUT /v2/service_instances/i-1, after 3 attempts)");
    }

    @Test
    void aMissingDescriptionIsSaidSo() {
        assertThat(BrokerErrors.describe(json(422, "{\"error\":\"AsyncRequired\"}", 1), PUT)).isEqualTo(
                "Service broker error: the broker gave no description (HTTP 422 from PUT /v2/service_instances/i-1, "
                        + "error \"AsyncRequired\")");
    }

    @Test
    void aBodyThatIsNotJsonIsQuotedUpTo200Characters() {
        String body = "Bad Gateway " + "y".repeat(300);
        String description = BrokerErrors.describe(new BrokerAnswer(502, body, null, null, 1), PUT);
        assertThat(description).startsWith("Service broker error: an answer that is not JSON: \"Bad Gateway yyy")
                .contains("y".repeat(188) + "…\"").doesNotContain("y".repeat(189))
                .endsWith("(HTTP 502 from PUT /v2/service_instances/i-1)");
        assertThat(BrokerErrors.describe(new BrokerAnswer(500, "", null, null, 1), PUT))
                .isEqualTo("Service broker error: an empty answer (HTTP 500 from PUT /v2/service_instances/i-1)");
    }

    @Test
    void anUnreachableBrokerIsDescribedByWhatWasAttempted() {
        BrokerUnreachable refused = new BrokerUnreachable(PUT, 3, Duration.ofMillis(1_450),
                new ConnectException("Connection refused"), BrokerUnreachable.Reason.NO_ANSWER, false);
        assertThat(BrokerErrors.describe(refused)).isEqualTo("The service broker could not be reached: PUT "
                + "/v2/service_instances/i-1 was attempted 3 times in 1.5 s and got no answer (last error: "
                + "ConnectException: Connection refused)");
        BrokerUnreachable open = new BrokerUnreachable(PUT, 0, Duration.ZERO, new IOException("x"),
                BrokerUnreachable.Reason.CIRCUIT_OPEN, false);
        assertThat(BrokerErrors.describe(open)).isEqualTo("The service broker could not be reached: PUT "
                + "/v2/service_instances/i-1 was not attempted: the circuit breaker for this broker is open after "
                + "repeated failures");
    }

    @Test
    void aTimeoutSaysTheBrokerDidNotAnswerInTime() {
        BrokerUnreachable slow = new BrokerUnreachable(PUT, 2, Duration.ofMillis(800),
                new java.net.http.HttpTimeoutException("request timed out"), BrokerUnreachable.Reason.NO_ANSWER, true);
        assertThat(BrokerErrors.describe(slow)).isEqualTo("The service broker did not answer in time: PUT "
                + "/v2/service_instances/i-1 was attempted 2 times in 0.8 s and the broker did not answer in time (last "
                + "error: HttpTimeoutException: request timed out)");
        assertThat(slow.timedOut()).isTrue();
    }

    @Test
    void specialAnswersSayWhatTheyMean() {
        assertThat(BrokerErrors.conflict(json(409, "{}", 1), PUT)).isEqualTo("The service broker already has an instance "
                + "with this id, with different attributes (409 Conflict), so it did not create one: the broker gave no "
                + "description (HTTP 409 from PUT /v2/service_instances/i-1)");
        assertThat(BrokerErrors.malformed(new BrokerAnswer(201, "{oops", null, null, 1), PUT)).isEqualTo(
                "The service broker's answer is not valid OSB: HTTP 201 with the body \"{oops\" (HTTP 201 from PUT "
                        + "/v2/service_instances/i-1)");
        assertThat(BrokerErrors.unexpected(json(204, "{}", 1), PUT)).isEqualTo("The service broker answered HTTP 204, "
                + "which OSB does not define for this call (HTTP 204 from PUT /v2/service_instances/i-1)");
    }
}
