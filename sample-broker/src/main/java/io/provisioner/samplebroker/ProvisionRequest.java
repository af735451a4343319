package io.provisioner.samplebroker;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Body of {@code PUT /v2/service_instances/{id}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
record ProvisionRequest(String serviceId, String planId, String organizationGuid, String spaceGuid,
        Map<String, Object> context, Map<String, Object> parameters, Map<String, Object> maintenanceInfo) {
}
