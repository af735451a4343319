package io.provisioner.gateway.serviceinstance;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.Resource;

/** {@code /v2/service_instances}: Cloud Controller v2, answering 201 with {@code in progress} on create. */
@RestController
class ServiceInstanceController {

    private final ServiceInstances instances;
    private final JsonMapper json;

    ServiceInstanceController(ServiceInstances instances, JsonMapper json) {
        this.instances = instances;
        this.json = json;
    }

    @PostMapping("/v2/service_instances")
    ResponseEntity<Resource<ServiceInstanceView.Entity>> create(
            @RequestParam(name = "accepts_incomplete", required = false) String acceptsIncomplete,
            @RequestBody(required = false) byte[] body) {
        boolean async = acceptsIncomplete(acceptsIncomplete);
        NewServiceInstance request = NewServiceInstance.parse(body, json);
        if (!async) {
            throw CfError.ASYNC_REQUIRED.exception(
                    "This service plan requires client support for asynchronous service operations.");
        }
        ServiceInstanceRecord created = instances.create(request, null);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/v2/service_instances/" + created.guid()))
                .body(ServiceInstanceView.of(created, json));
    }

    @GetMapping("/v2/service_instances/{guid}")
    Resource<ServiceInstanceView.Entity> get(@PathVariable String guid) {
        return instances.find(guid).map(r -> ServiceInstanceView.of(r, json))
                .orElseThrow(() -> CfError.SERVICE_INSTANCE_NOT_FOUND.exception(
                        "The service instance could not be found: " + guid));
    }

    private static boolean acceptsIncomplete(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw CfError.INVALID_REQUEST.exception(
                "The request is invalid: accepts_incomplete must be 'true' or 'false'");
    }
}
