package io.provisioner.samplebroker;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Body of {@code PUT /v2/service_instances/{id}/service_bindings/{binding_id}}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
record BindRequest(String serviceId, String planId, Map<String, Object> context, Map<String, Object> bindResource,
        Map<String, Object> parameters) {
}
