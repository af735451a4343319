package io.provisioner.schemas;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The next {@code last_operation} poll of an operation the broker answered 202, due at a time.
 * Lives on a delay tier topic; a worker that dies leaves it there for the next one.
 *
 * @param startedAt when the broker accepted the operation: drives the interval (a tenth of the age)
 *                  and the deadline
 * @param attempt how many polls went before this one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PollScheduled(
        ProvisioningRequested request,
        String brokerOperation,
        String dashboardUrl,
        Instant startedAt,
        Instant dueAt,
        int attempt) {
}
