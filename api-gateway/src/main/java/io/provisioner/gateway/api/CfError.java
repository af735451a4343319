package io.provisioner.gateway.api;

import org.springframework.http.HttpStatus;

/** Cloud Controller's error codes, names and HTTP statuses (CC_V2_CONTRACT.md), in one place. */
public enum CfError {
    INVALID_AUTH_TOKEN(1000, "CF-InvalidAuthToken", HttpStatus.UNAUTHORIZED),
    MESSAGE_PARSE_ERROR(1001, "CF-MessageParseError", HttpStatus.BAD_REQUEST),
    INVALID_RELATION(1002, "CF-InvalidRelation", HttpStatus.BAD_REQUEST),
    NOT_FOUND(10000, "CF-NotFound", HttpStatus.NOT_FOUND),
    ASYNC_REQUIRED(10001, "CF-AsyncRequired", HttpStatus.BAD_REQUEST),
    NOT_AUTHENTICATED(10002, "CF-NotAuthenticated", HttpStatus.UNAUTHORIZED),
    NOT_AUTHORIZED(10003, "CF-NotAuthorized", HttpStatus.FORBIDDEN),
    INVALID_REQUEST(10004, "CF-InvalidRequest", HttpStatus.BAD_REQUEST),
    BAD_QUERY_PARAMETER(10005, "CF-BadQueryParameter", HttpStatus.BAD_REQUEST),
    INSUFFICIENT_SCOPE(10007, "CF-InsufficientScope", HttpStatus.FORBIDDEN),
    REQUEST_TOO_LARGE(10004, "CF-InvalidRequest", HttpStatus.PAYLOAD_TOO_LARGE),
    SERVICE_UNAVAILABLE(10015, "CF-ServiceUnavailable", HttpStatus.SERVICE_UNAVAILABLE),
    ORGANIZATION_INVALID(30001, "CF-OrganizationInvalid", HttpStatus.BAD_REQUEST),
    ORGANIZATION_NAME_TAKEN(30002, "CF-OrganizationNameTaken", HttpStatus.BAD_REQUEST),
    ORGANIZATION_NOT_FOUND(30003, "CF-OrganizationNotFound", HttpStatus.NOT_FOUND),
    QUOTA_DEFINITION_NOT_FOUND(240001, "CF-QuotaDefinitionNotFound", HttpStatus.NOT_FOUND),
    SPACE_INVALID(40001, "CF-SpaceInvalid", HttpStatus.BAD_REQUEST),
    SPACE_NAME_TAKEN(40002, "CF-SpaceNameTaken", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_NAME_EMPTY(60001, "CF-ServiceInstanceNameEmpty", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_NAME_TAKEN(60002, "CF-ServiceInstanceNameTaken", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_INVALID(60003, "CF-ServiceInstanceInvalid", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_NOT_FOUND(60004, "CF-ServiceInstanceNotFound", HttpStatus.NOT_FOUND),
    SERVICE_INSTANCE_NAME_TOO_LONG(60009, "CF-ServiceInstanceNameTooLong", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_TAGS_TOO_LONG(60015, "CF-ServiceInstanceTagsTooLong", HttpStatus.BAD_REQUEST),
    SERVICE_INSTANCE_SPACE_CHANGE_NOT_ALLOWED(60014, "CF-ServiceInstanceSpaceChangeNotAllowed", HttpStatus.BAD_REQUEST),
    OPERATION_IN_PROGRESS(60016, "CF-AsyncServiceInstanceOperationInProgress", HttpStatus.CONFLICT),
    MAINTENANCE_INFO_NOT_SUPPORTED(60030, "CF-MaintenanceInfoNotSupported", HttpStatus.UNPROCESSABLE_CONTENT),
    MAINTENANCE_INFO_NOT_SEMVER(60031, "CF-MaintenanceInfoNotSemver", HttpStatus.UNPROCESSABLE_CONTENT),
    MAINTENANCE_INFO_CONFLICT(60032, "CF-MaintenanceInfoConflict", HttpStatus.UNPROCESSABLE_CONTENT),
    MAINTENANCE_INFO_NOT_UPDATABLE_WHEN_CHANGING_PLAN(60033, "CF-MaintenanceInfoNotUpdatableWhenChangingPlan",
            HttpStatus.UNPROCESSABLE_CONTENT),
    ASSOCIATION_NOT_EMPTY(10006, "CF-AssociationNotEmpty", HttpStatus.BAD_REQUEST),
    UNBINDABLE_SERVICE(90005, "CF-UnbindableService", HttpStatus.BAD_REQUEST),
    BINDING_OPERATION_IN_PROGRESS(90008, "CF-AsyncServiceBindingOperationInProgress", HttpStatus.CONFLICT),
    SERVICE_KEY_NAME_TAKEN(360001, "CF-ServiceKeyNameTaken", HttpStatus.BAD_REQUEST),
    SERVICE_KEY_INVALID(360002, "CF-ServiceKeyInvalid", HttpStatus.BAD_REQUEST),
    SERVICE_KEY_NOT_FOUND(360003, "CF-ServiceKeyNotFound", HttpStatus.NOT_FOUND),
    SERVICE_KEY_NOT_SUPPORTED(360004, "CF-ServiceKeyNotSupported", HttpStatus.BAD_REQUEST),
    SERVICE_PLAN_NOT_FOUND(110003, "CF-ServicePlanNotFound", HttpStatus.NOT_FOUND),
    SERVICE_PLAN_NOT_UPDATEABLE(110004, "CF-ServicePlanNotUpdateable", HttpStatus.BAD_REQUEST),
    SERVICE_NOT_FOUND(120003, "CF-ServiceNotFound", HttpStatus.NOT_FOUND),
    SERVICE_FETCH_INSTANCE_PARAMETERS_NOT_SUPPORTED(120004, "CF-ServiceFetchInstanceParametersNotSupported",
            HttpStatus.BAD_REQUEST),
    SPACE_NOT_FOUND(40004, "CF-SpaceNotFound", HttpStatus.NOT_FOUND),
    SERVICE_BROKER_INVALID(270001, "CF-ServiceBrokerInvalid", HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_NAME_TAKEN(270002, "CF-ServiceBrokerNameTaken", HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_URL_TAKEN(270003, "CF-ServiceBrokerUrlTaken", HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_NOT_FOUND(270004, "CF-ServiceBrokerNotFound", HttpStatus.NOT_FOUND),
    SERVICE_BROKER_NOT_REMOVABLE(270010, "CF-ServiceBrokerNotRemovable", HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_URL_INVALID(270011, "CF-ServiceBrokerUrlInvalid", HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_URL_BASIC_AUTH_NOT_SUPPORTED(270016, "CF-ServiceBrokerUrlBasicAuthNotSupported",
            HttpStatus.BAD_REQUEST),
    SERVICE_BROKER_CATALOG_INVALID(270012, "CF-ServiceBrokerCatalogInvalid", HttpStatus.BAD_GATEWAY),
    SERVICE_BROKER_REQUEST_REJECTED(270020, "CF-ServiceBrokerRequestRejected", HttpStatus.BAD_GATEWAY),
    SERVICE_BROKER_UNREACHABLE(10001, "CF-ServiceBrokerApiUnreachable", HttpStatus.BAD_GATEWAY),
    SERVICE_BROKER_TIMEOUT(10001, "CF-ServiceBrokerApiTimeout", HttpStatus.GATEWAY_TIMEOUT),
    SERVICE_BROKER_BAD_RESPONSE(10001, "CF-ServiceBrokerBadResponse", HttpStatus.BAD_GATEWAY),
    SERVICE_BROKER_RESPONSE_MALFORMED(10001, "CF-ServiceBrokerResponseMalformed", HttpStatus.BAD_GATEWAY),
    UAA_ID_TAKEN(20002, "CF-UaaIdTaken", HttpStatus.BAD_REQUEST),
    USER_NOT_FOUND(20003, "CF-UserNotFound", HttpStatus.NOT_FOUND),
    UAA_UNAVAILABLE(20004, "CF-UaaUnavailable", HttpStatus.SERVICE_UNAVAILABLE),
    SERVICE_INSTANCE_ORGANIZATION_NOT_AUTHORIZED(60010, "CF-ServiceInstanceOrganizationNotAuthorized",
            HttpStatus.FORBIDDEN),
    SERVICE_PLAN_VISIBILITY_INVALID(260001, "CF-ServicePlanVisibilityInvalid", HttpStatus.BAD_REQUEST),
    SERVICE_PLAN_VISIBILITY_ALREADY_EXISTS(260002, "CF-ServicePlanVisibilityAlreadyExists", HttpStatus.BAD_REQUEST),
    SERVICE_PLAN_VISIBILITY_NOT_FOUND(260003, "CF-ServicePlanVisibilityNotFound", HttpStatus.NOT_FOUND),
    FEATURE_FLAG_NOT_FOUND(330000, "CF-FeatureFlagNotFound", HttpStatus.NOT_FOUND),
    UNKNOWN_ERROR(10001, "UnknownError", HttpStatus.INTERNAL_SERVER_ERROR);

    private final int code;
    private final String errorCode;
    private final HttpStatus status;

    CfError(int code, String errorCode, HttpStatus status) {
        this.code = code;
        this.errorCode = errorCode;
        this.status = status;
    }

    public int code() {
        return code;
    }

    public String errorCode() {
        return errorCode;
    }

    public HttpStatus status() {
        return status;
    }

    public CfException exception(String description) {
        return new CfException(this, description);
    }
}
