package io.provisioner.gateway.serviceinstance;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfTime;
import io.provisioner.gateway.api.Resource;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;

/** The Cloud Controller v2 shape of a service instance (CC_V2_CONTRACT.md), every field present. */
final class ServiceInstanceView {

    private ServiceInstanceView() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Entity(
            String name,
            Map<String, Object> credentials,
            String serviceGuid,
            String servicePlanGuid,
            String spaceGuid,
            String gatewayData,
            String dashboardUrl,
            String type,
            LastOperation lastOperation,
            List<String> tags,
            Map<String, Object> maintenanceInfo,
            String spaceUrl,
            String serviceUrl,
            String servicePlanUrl,
            String serviceBindingsUrl,
            String serviceKeysUrl,
            String routesUrl,
            String sharedFromUrl,
            String sharedToUrl,
            String serviceInstanceParametersUrl,
            @JsonInclude(JsonInclude.Include.NON_NULL) Object servicePlan) {

        Entity withServicePlan(Object plan) {
            return new Entity(name, credentials, serviceGuid, servicePlanGuid, spaceGuid, gatewayData, dashboardUrl,
                    type, lastOperation, tags, maintenanceInfo, spaceUrl, serviceUrl, servicePlanUrl,
                    serviceBindingsUrl, serviceKeysUrl, routesUrl, sharedFromUrl, sharedToUrl,
                    serviceInstanceParametersUrl, plan);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record LastOperation(OperationType type, OperationState state, String description, String updatedAt,
            String createdAt) {
    }

    @SuppressWarnings("unchecked")
    static Resource<Entity> of(ServiceInstanceRecord r, JsonMapper json) {
        String url = "/v2/service_instances/" + r.guid();
        Map<String, Object> maintenance = r.maintenanceInfo() == null ? Map.of()
                : json.readValue(r.maintenanceInfo(), Map.class);
        Entity entity = new Entity(r.name(), Map.of(), r.serviceGuid(), r.planGuid(), r.spaceGuid(), null,
                r.dashboardUrl(), "managed_service_instance",
                new LastOperation(r.operationType(), r.operationState(),
                        r.operationDescription() == null ? "" : r.operationDescription(),
                        CfTime.format(r.operationUpdatedAt()), CfTime.format(r.operationCreatedAt())),
                json.readValue(r.tags(), List.class), maintenance,
                "/v2/spaces/" + r.spaceGuid(), "/v2/services/" + r.serviceGuid(),
                "/v2/service_plans/" + r.planGuid(), url + "/service_bindings", url + "/service_keys",
                url + "/routes", url + "/shared_from", url + "/shared_to", url + "/parameters", null);
        return new Resource<>(new Resource.Metadata(r.guid(), url, CfTime.format(r.createdAt()),
                CfTime.format(r.updatedAt())), entity);
    }
}
