package io.provisioner.schemas;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The public lifecycle of a service key, on {@code service-instance.events} beside its instance's events and
 * keyed (and subjected) by the instance guid, so a key's events keep their order with its instance's. The
 * envelope's {@code type} says what happened ({@link EventTypes#SERVICE_KEY_STARTED} and its siblings).
 * It never carries credentials, sealed or not: a consumer that needs them reads the key over REST, where
 * only admins and the space's developers get them.
 *
 * @param serviceKeyGuid the key; for a rejected create, the guid the key would have had
 * @param version grows by one with every change of the key (1 for its create's {@code started}); a
 *        {@code rejected} answer carries none
 * @param operation the operation (bind = {@code create}, unbind = {@code delete}); for {@code rejected}: none
 * @param serviceKey the key as {@code GET /v2/service_keys/:guid} shows it, without {@code credentials}; for
 *        {@code deleted} as it was last; for {@code rejected} as it is, or null when there is none
 * @param error a {@code rejected} command's Cloud Controller error, else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceKeyEvent(
        String instanceGuid,
        String serviceKeyGuid,
        Long version,
        ServiceInstanceEvent.Operation operation,
        Map<String, Object> serviceKey,
        String commandId,
        String requestIdentity,
        String originatingUserId,
        ServiceInstanceEvent.Error error,
        Instant occurredAt) {
}
