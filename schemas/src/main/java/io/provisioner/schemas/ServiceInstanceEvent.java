package io.provisioner.schemas;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The public lifecycle of a service instance, on {@code service-instance.events} (key = instance guid).
 * The envelope's {@code type} says what happened ({@link EventTypes#SERVICE_INSTANCE_STARTED} and its
 * siblings). This is the contract other systems build on: the {@code provisioning.*} topics stay private.
 *
 * @param version grows by one with every change of the instance (1 for its create's {@code started}); a
 *        {@code rejected} answer changes nothing and carries none
 * @param operation the operation the event is about (for {@code rejected}: none)
 * @param instance the instance as {@code GET /v2/service_instances/:guid} shows it ({@code metadata} and
 *        {@code entity}) right after the change; for {@code deleted} as it was last; for {@code rejected}
 *        as it is, or null when there is none
 * @param commandId the {@code id} of the command that asked for it, null for a REST request and for what
 *        follows from the broker
 * @param requestIdentity the REST request's identity, or the broker request's ({@code X-Broker-API-Request-Identity})
 * @param originatingUserId who asked (a user's or a client's id), null for the platform's own changes
 * @param error a {@code rejected} command's Cloud Controller error, else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceInstanceEvent(
        String instanceGuid,
        Long version,
        Operation operation,
        Map<String, Object> instance,
        String commandId,
        String requestIdentity,
        String originatingUserId,
        Error error,
        Instant occurredAt) {

    /** The operation an event is about, with {@code last_operation}'s wire strings. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Operation(String id, OperationType type, OperationState state, String description) {
    }

    /** Cloud Controller's error envelope, exactly as the REST call would have answered. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Error(String errorCode, int code, String description) {
    }
}
