package io.provisioner.schemas;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The gateway accepted an operation on a service instance; a worker is to carry it out at the broker.
 * Carries everything the worker needs, so the worker never reads the gateway's database.
 *
 * @param serviceId the broker's id of the service (catalog id, not the CC guid)
 * @param planId the broker's id of the plan the operation targets
 * @param previousPlanId for an update: the plan before it (polls send it during a plan change)
 * @param sealedParameters the caller's {@code parameters} object exactly as written (its JSON text, numbers
 *        untouched), sealed with the platform key ({@link SecretSealer}): parameters carry secrets, so
 *        they never travel or rest in clear; null when the caller sent none
 * @param maximumPollingDurationSeconds the plan's {@code maximum_polling_duration}, or null
 * @param originatingUserId the user who asked, sent as {@code X-Broker-API-Originating-Identity}
 * @param binding on a {@code io.provisioner.binding.requested.v1} event: the binding to create (bind) or
 *        delete (unbind) at the instance; absent for operations on the instance itself
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ProvisioningRequested(
        String operationId,
        OperationType operationType,
        String instanceGuid,
        String instanceName,
        String serviceId,
        String planId,
        String previousPlanId,
        String organizationGuid,
        String organizationName,
        String spaceGuid,
        String spaceName,
        String sealedParameters,
        Map<String, Object> maintenanceInfo,
        BrokerEndpoint broker,
        Integer maximumPollingDurationSeconds,
        String originatingUserId,
        Instant requestedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) ServiceBindingTarget binding) {

    /** An operation on the instance itself. */
    public ProvisioningRequested(String operationId, OperationType operationType, String instanceGuid,
            String instanceName, String serviceId, String planId, String previousPlanId, String organizationGuid,
            String organizationName, String spaceGuid, String spaceName, String sealedParameters,
            Map<String, Object> maintenanceInfo, BrokerEndpoint broker, Integer maximumPollingDurationSeconds,
            String originatingUserId, Instant requestedAt) {
        this(operationId, operationType, instanceGuid, instanceName, serviceId, planId, previousPlanId,
                organizationGuid, organizationName, spaceGuid, spaceName, sealedParameters, maintenanceInfo, broker,
                maximumPollingDurationSeconds, originatingUserId, requestedAt, null);
    }

    /** True when the operation is a bind or unbind of {@link #binding()}. */
    public boolean aboutBinding() {
        return binding != null;
    }

    /**
     * What the operation acts on: the binding's guid for a binding operation, else the instance's. Operations
     * on one target happen one at a time; bindings of an instance are independent of each other.
     */
    public String target() {
        return binding != null ? binding.bindingGuid() : instanceGuid;
    }
}
