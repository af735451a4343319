package io.provisioner.worker.progress;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonValue;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * How far one operation got, as the worker records it on {@code provisioning.operations} (worker-private,
 * keyed by operation id, compacted: only the latest record of an operation is kept).
 *
 * @param instanceGuid what the operation acts on ({@link ProvisioningRequested#target()}): the instance, or
 *                     the binding for a bind or unbind, so the bindings of an instance never replace each
 *                     other's operations, nor the instance's
 * @param requestPartition partition of the operation's request record, or null when unknown
 * @param requestOffset offset of the operation's request record, or null when unknown
 * @param requestedAt when the gateway accepted the operation: orders operations whose positions cannot be
 *                    compared
 * @param link while {@link Phase#WAITING}: the {@code time} of the one scheduled step that carries the
 *             operation on; an older step of the same operation is a duplicate and is dropped
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OperationProgress(
        String operationId,
        String instanceGuid,
        OperationType operationType,
        Integer requestPartition,
        Long requestOffset,
        Instant requestedAt,
        Phase phase,
        Instant link,
        Instant updatedAt) {

    public enum Phase {
        /** The broker is being called; whether it got the call is unknown. */
        STARTED("started"),
        /** A scheduled step (poll, retry, orphan mitigation) carries the operation on. */
        WAITING("waiting"),
        /** Nothing is left to do. */
        FINISHED("finished");

        private final String wire;

        Phase(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    public static OperationProgress of(ProvisioningRequested request, RequestPosition position, Phase phase, Instant link,
            Instant now) {
        return new OperationProgress(request.operationId(), request.target(), request.operationType(),
                position == null ? null : position.partition(), position == null ? null : position.offset(),
                request.requestedAt(), phase, link, now);
    }

    public RequestPosition position() {
        return requestPartition == null || requestOffset == null ? null
                : new RequestPosition(requestPartition, requestOffset);
    }

    public boolean active() {
        return phase != Phase.FINISHED;
    }

    /**
     * True when this operation was requested after {@code other} (of the same instance): by request offset
     * when both sit in the same partition, else by the gateway's request time.
     */
    public boolean newerThan(OperationProgress other) {
        return newer(position(), requestedAt, other.position(), other.requestedAt);
    }

    /** The same rule for a request that is not recorded yet. */
    public boolean newerThan(RequestPosition position, Instant requestedAt) {
        return newer(position(), this.requestedAt, position, requestedAt);
    }

    private static boolean newer(RequestPosition mine, Instant myTime, RequestPosition theirs, Instant theirTime) {
        if (mine != null && theirs != null && mine.partition() == theirs.partition()) {
            return mine.offset() > theirs.offset();
        }
        return myTime != null && theirTime != null && myTime.isAfter(theirTime);
    }
}
