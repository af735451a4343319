package io.provisioner.samplebroker;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Body of {@code PATCH /v2/service_instances/{id}}; absent plan/parameters keep the current ones. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
record UpdateRequest(String serviceId, String planId, Map<String, Object> parameters,
        Map<String, Object> context, Map<String, Object> previousValues, Map<String, Object> maintenanceInfo) {
}
