package io.provisioner.gateway.servicekey;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfTime;
import io.provisioner.gateway.api.Resource;
import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.SecretSealer;

/**
 * The Cloud Controller v2 shape of a service key, plus its {@code last_operation} (keys are bound
 * asynchronously here). Credentials are opened only for a caller allowed to read them; everyone else
 * gets Cloud Controller's redaction.
 */
final class ServiceKeyView {

    /** What Cloud Controller shows instead of credentials to a caller who may not read them. */
    static final Map<String, Object> REDACTED = Map.of("redacted_message", "[PRIVATE DATA HIDDEN]");

    private ServiceKeyView() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Entity(String name, String serviceInstanceGuid, Map<String, Object> credentials, String serviceInstanceUrl,
            String serviceKeyParametersUrl, LastOperation lastOperation) {

        @Override
        public String toString() {
            return "ServiceKey.Entity[name=" + name + ", serviceInstanceGuid=" + serviceInstanceGuid + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record LastOperation(OperationType type, OperationState state, String description, String updatedAt,
            String createdAt) {
    }

    /**
     * The key as {@code GET} shows it, with no {@code credentials} field at all: what the public events carry,
     * whoever reads them.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutCredentials(ServiceKeyRecord key, JsonMapper json) {
        Map<String, Object> view = json.convertValue(of(key, false, null, json), Map.class);
        ((Map<String, Object>) view.get("entity")).remove("credentials");
        return view;
    }

    /** @param mayReadCredentials the caller is an admin or a developer of the key's space */
    @SuppressWarnings("unchecked")
    static Resource<Entity> of(ServiceKeyRecord key, boolean mayReadCredentials, SecretSealer sealer, JsonMapper json) {
        String url = "/v2/service_keys/" + key.guid();
        Map<String, Object> credentials = !mayReadCredentials ? REDACTED
                : key.sealedCredentials() == null ? Map.of()
                : json.readValue(sealer.open(key.sealedCredentials()), Map.class);
        Entity entity = new Entity(key.name(), key.instanceGuid(), credentials,
                "/v2/service_instances/" + key.instanceGuid(), url + "/parameters",
                new LastOperation(key.operationType(), key.operationState(),
                        key.operationDescription() == null ? "" : key.operationDescription(),
                        CfTime.format(key.operationUpdatedAt()), CfTime.format(key.operationCreatedAt())));
        return new Resource<>(new Resource.Metadata(key.guid(), url, CfTime.format(key.createdAt()),
                CfTime.format(key.updatedAt())), entity);
    }
}
