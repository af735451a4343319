package io.provisioner.samplebroker;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** OSB {@code /v2/service_instances} endpoints; auth and the version header are checked by {@link BrokerApiFilter}. */
@RestController
@RequestMapping("/v2/service_instances/{instanceId}")
class ServiceInstanceController {

    private final ServiceInstances instances;
    private final Outage outage;

    ServiceInstanceController(ServiceInstances instances, Outage outage) {
        this.instances = instances;
        this.outage = outage;
    }

    /** Runs before every endpoint here: a broker switched broken answers with its outage's error. */
    @ModelAttribute
    void checkOutage(@PathVariable String instanceId, HttpServletRequest request) {
        BrokerException failure = outage.failure(request.getMethod(), instanceId);
        if (failure != null) {
            throw failure;
        }
    }

    @PutMapping
    ResponseEntity<?> provision(@PathVariable String instanceId,
            @RequestParam(name = "accepts_incomplete", defaultValue = "false") boolean acceptsIncomplete,
            @RequestBody ProvisionRequest request) {
        // Built from the request so the link works on whatever host/port the platform reached us.
        String dashboardUrl = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/dashboard/{id}").buildAndExpand(instanceId).encode().toUriString();
        return answer(instances.provision(instanceId, request, acceptsIncomplete, dashboardUrl));
    }

    @PatchMapping
    ResponseEntity<?> update(@PathVariable String instanceId,
            @RequestParam(name = "accepts_incomplete", defaultValue = "false") boolean acceptsIncomplete,
            @RequestBody UpdateRequest request) {
        return answer(instances.update(instanceId, request, acceptsIncomplete));
    }

    /** service_id and plan_id are required by the spec; the instance's own plan decides the behaviour. */
    @DeleteMapping
    ResponseEntity<?> deprovision(@PathVariable String instanceId,
            @RequestParam(name = "service_id") String serviceId, @RequestParam(name = "plan_id") String planId,
            @RequestParam(name = "accepts_incomplete", defaultValue = "false") boolean acceptsIncomplete) {
        return answer(instances.deprovision(instanceId, acceptsIncomplete));
    }

    @GetMapping
    ServiceInstances.InstanceView fetch(@PathVariable String instanceId) {
        return instances.fetch(instanceId);
    }

    @GetMapping("/last_operation")
    ResponseEntity<?> lastOperation(@PathVariable String instanceId) {
        return answer(instances.lastOperation(instanceId));
    }

    /** A raw reply goes out exactly as configured (it may be no JSON at all); else the answer as JSON. */
    static ResponseEntity<?> answer(BrokerAnswer answer) {
        Reply raw = answer.raw();
        if (raw != null) {
            ResponseEntity.BodyBuilder reply = ResponseEntity.status(raw.status())
                    .header(HttpHeaders.CONTENT_TYPE, raw.contentType());
            if (raw.retryAfter() != null) {
                reply.header(HttpHeaders.RETRY_AFTER, raw.retryAfter());
            }
            return reply.body(raw.body());
        }
        ResponseEntity.BodyBuilder reply = ResponseEntity.status(answer.status());
        if (answer.retryAfter() != null) {
            reply.header(HttpHeaders.RETRY_AFTER, answer.retryAfter());
        }
        return reply.body(answer.body());
    }
}
