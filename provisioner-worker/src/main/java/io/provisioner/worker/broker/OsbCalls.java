package io.provisioner.worker.broker;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.schemas.SecretSealer;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/** Builds OSB v2.17 calls from operations, to the letter of the spec (OSB_CONTRACT.md). */
public final class OsbCalls {

    private static final String INSTANCES = "/v2/service_instances/";
    private static final String BINDINGS = "/service_bindings/";

    private final JsonMapper mapper;
    private final SecretSealer sealer;

    public OsbCalls(JsonMapper mapper, SecretSealer sealer) {
        this.mapper = mapper;
        this.sealer = sealer;
    }

    /**
     * Refuses a request that lacks what the OSB calls need, so it goes to a dead-letter topic instead of
     * reaching a broker half-formed.
     *
     * @throws IllegalArgumentException naming the first missing field
     */
    public static void checkComplete(ProvisioningRequested request) {
        require(request.operationId(), "operation_id");
        require(request.operationType(), "operation_type");
        require(request.instanceGuid(), "instance_guid");
        require(request.serviceId(), "service_id");
        require(request.planId(), "plan_id");
        if (request.operationType() != OperationType.DELETE) {
            require(request.organizationGuid(), "organization_guid");
            require(request.spaceGuid(), "space_guid");
        }
        require(request.broker(), "broker");
        require(request.broker().url(), "broker.url");
        require(request.broker().username(), "broker.username");
        require(request.broker().sealedPassword(), "broker.sealed_password");
        if (request.aboutBinding()) {
            require(request.binding().bindingGuid(), "binding.binding_guid");
            if (request.operationType() == OperationType.UPDATE) {
                throw new IllegalArgumentException("a binding is created or deleted, not updated");
            }
        }
    }

    private static void require(Object value, String field) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw new IllegalArgumentException("the request has no " + field);
        }
    }

    /** The call that starts an operation: provision, update or deprovision. */
    public OsbCall start(ProvisioningRequested request, String requestIdentity) {
        if (request.aboutBinding()) {
            return request.operationType() == OperationType.DELETE ? unbind(request, requestIdentity)
                    : bind(request, requestIdentity);
        }
        return switch (request.operationType()) {
            case CREATE -> provision(request, requestIdentity);
            case UPDATE -> update(request, requestIdentity);
            case DELETE -> deprovision(request, requestIdentity);
        };
    }

    OsbCall provision(ProvisioningRequested request, String requestIdentity) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", request.serviceId());
        body.put("plan_id", request.planId());
        body.put("organization_guid", request.organizationGuid());
        body.put("space_guid", request.spaceGuid());
        body.put("context", context(request));
        putIfPresent(body, "parameters", parameters(request));
        putIfPresent(body, "maintenance_info", request.maintenanceInfo());
        return new OsbCall(OsbEndpoint.PROVISION, "PUT", instancePath(request), "accepts_incomplete=true",
                mapper.writeValueAsBytes(body), requestIdentity, request.originatingUserId());
    }

    /** OSB bind; a service key has no app, so there is no {@code bind_resource}. */
    OsbCall bind(ProvisioningRequested request, String requestIdentity) {
        if (request.operationType() != OperationType.CREATE) {
            throw new IllegalArgumentException("a binding is created or deleted, not " + request.operationType().wire());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", request.serviceId());
        body.put("plan_id", request.planId());
        body.put("context", context(request));
        putIfPresent(body, "parameters", parameters(request));
        return new OsbCall(OsbEndpoint.BIND, "PUT", bindingPath(request), "accepts_incomplete=true",
                mapper.writeValueAsBytes(body), requestIdentity, request.originatingUserId());
    }

    OsbCall unbind(ProvisioningRequested request, String requestIdentity) {
        return new OsbCall(OsbEndpoint.UNBIND, "DELETE", bindingPath(request), deprovisionQuery(request), null,
                requestIdentity, request.originatingUserId());
    }

    /** The GET of a binding after its asynchronous bind succeeded: the way to its credentials (OSB 2.17). */
    public OsbCall fetchBinding(ProvisioningRequested request, String requestIdentity) {
        return new OsbCall(OsbEndpoint.FETCH_BINDING, "GET", bindingPath(request), "", null, requestIdentity,
                request.originatingUserId());
    }

    OsbCall update(ProvisioningRequested request, String requestIdentity) {
        Map<String, Object> previous = new LinkedHashMap<>();
        putIfPresent(previous, "plan_id", request.previousPlanId());
        previous.put("service_id", request.serviceId());
        previous.put("organization_id", request.organizationGuid());
        previous.put("space_id", request.spaceGuid());

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_id", request.serviceId());
        body.put("plan_id", request.planId());
        putIfPresent(body, "parameters", parameters(request));
        body.put("context", context(request));
        body.put("previous_values", previous);
        putIfPresent(body, "maintenance_info", request.maintenanceInfo());
        return new OsbCall(OsbEndpoint.UPDATE, "PATCH", instancePath(request), "accepts_incomplete=true",
                mapper.writeValueAsBytes(body), requestIdentity, request.originatingUserId());
    }

    OsbCall deprovision(ProvisioningRequested request, String requestIdentity) {
        return new OsbCall(OsbEndpoint.DEPROVISION, "DELETE", instancePath(request), deprovisionQuery(request), null,
                requestIdentity, request.originatingUserId());
    }

    /**
     * The DELETE of orphan mitigation after a failed provision: the same request as a deprovision, but
     * the platform's own, so it names no user (OSB: no originating identity on orphan mitigation).
     */
    public OsbCall orphanMitigation(ProvisioningRequested request, String requestIdentity) {
        return new OsbCall(OsbEndpoint.ORPHAN_MITIGATION, "DELETE", targetPath(request), deprovisionQuery(request),
                null, requestIdentity, null);
    }

    private static String deprovisionQuery(ProvisioningRequested request) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("service_id", request.serviceId());
        query.put("plan_id", request.planId());
        query.put("accepts_incomplete", "true");
        return query(query);
    }

    /**
     * The poll of an asynchronous operation. During a plan change the broker still knows the instance by
     * its old plan, so the old plan is sent (OSB: "the ID of the plan prior to the update").
     */
    public OsbCall lastOperation(ProvisioningRequested request, String brokerOperation, String requestIdentity) {
        return lastOperation(request, brokerOperation, requestIdentity, request.originatingUserId());
    }

    /** The poll of orphan mitigation's DELETE: the platform's own, so it names no user. */
    public OsbCall orphanMitigationLastOperation(ProvisioningRequested request, String brokerOperation,
            String requestIdentity) {
        return lastOperation(request, brokerOperation, requestIdentity, null);
    }

    private OsbCall lastOperation(ProvisioningRequested request, String brokerOperation, String requestIdentity,
            String originatingUserId) {
        boolean planChange = request.operationType() == OperationType.UPDATE && request.previousPlanId() != null;
        Map<String, String> query = new LinkedHashMap<>();
        query.put("service_id", request.serviceId());
        query.put("plan_id", planChange ? request.previousPlanId() : request.planId());
        query.put("operation", brokerOperation);
        return new OsbCall(request.aboutBinding() ? OsbEndpoint.BINDING_LAST_OPERATION : OsbEndpoint.LAST_OPERATION,
                "GET", targetPath(request) + "/last_operation", query(query), null, requestIdentity, originatingUserId);
    }

    /**
     * The caller's parameters, opened only here, as the very JSON text the caller wrote: numbers such as
     * {@code 1E2} or {@code 1e309} reach the broker unchanged, never re-read as a double. The text is
     * checked to be one JSON object, so nothing else can be spliced into the body; the errors name no
     * content (they end up in logs and dead-letter headers).
     */
    private RawValue parameters(ProvisioningRequested request) {
        if (request.sealedParameters() == null) {
            return null;
        }
        String text;
        try {
            text = sealer.open(request.sealedParameters());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the request's sealed_parameters cannot be opened with this key");
        }
        if (!isOneObject(text)) {
            throw new IllegalArgumentException("the request's sealed_parameters are not one JSON object");
        }
        return new RawValue(text);
    }

    private boolean isOneObject(String text) {
        try (JsonParser parser = mapper.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }

    private static Map<String, Object> context(ProvisioningRequested request) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("platform", "cloudfoundry");
        context.put("organization_guid", request.organizationGuid());
        putIfPresent(context, "organization_name", request.organizationName());
        context.put("space_guid", request.spaceGuid());
        putIfPresent(context, "space_name", request.spaceName());
        putIfPresent(context, "instance_name", request.instanceName());
        return context;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String instancePath(ProvisioningRequested request) {
        return INSTANCES + encode(request.instanceGuid());
    }

    private static String bindingPath(ProvisioningRequested request) {
        return instancePath(request) + BINDINGS + encode(request.binding().bindingGuid());
    }

    /** The instance, or the binding when the operation is about one. */
    private static String targetPath(ProvisioningRequested request) {
        return request.aboutBinding() ? bindingPath(request) : instancePath(request);
    }

    private static String query(Map<String, String> parameters) {
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(encode(name) + "=" + encode(value));
            }
        });
        return query.toString();
    }

    /**
     * Percent-encoding as RFC 3986 wants it: {@link URLEncoder} writes a space as {@code +}, which some
     * servers keep as a plus; a literal plus is already {@code %2B} at that point, so the swap is safe.
     */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
