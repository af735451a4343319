package io.provisioner.samplebroker;

import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Helpers outside {@code /v2}: the request log for tests, the outage switch and whether an instance exists
 * (all behind the broker's basic auth, see {@link BrokerApiFilter}), and the dashboard links (open: they
 * show no tenant data).
 */
@RestController
class AdminController {

    private final RequestLog log;
    private final ServiceInstances instances;
    private final ServiceBindings bindings;
    private final Outage outage;

    AdminController(RequestLog log, ServiceInstances instances, ServiceBindings bindings, Outage outage) {
        this.log = log;
        this.instances = instances;
        this.bindings = bindings;
        this.outage = outage;
    }

    /** What {@code PUT /admin/outage} takes; every field may be left out (500, every method and instance). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record OutageRequest(Integer status, List<String> methods, List<String> instanceIds, Long answerDelayMs) {
    }

    /** Switches the broker broken until {@code DELETE /admin/outage} heals it (see {@link Outage}). */
    @PutMapping("/admin/outage")
    Outage.Settings breakDown(@RequestBody(required = false) OutageRequest request) {
        OutageRequest given = request == null ? new OutageRequest(null, null, null, null) : request;
        Outage.Settings settings = Outage.Settings.of(given.status(), given.methods(), given.instanceIds(),
                given.answerDelayMs());
        outage.begin(settings);
        return settings;
    }

    /** Ends every outage, or with {@code instance_id} only those that name that instance. */
    @DeleteMapping("/admin/outage")
    ResponseEntity<Void> heal(@RequestParam(name = "instance_id", required = false) String instanceId) {
        outage.end(instanceId);
        return ResponseEntity.noContent().build();
    }

    /** Whether the broker holds the instance at all, whatever state its last operation is in. */
    @GetMapping("/admin/instances/{instanceId}")
    Map<String, Object> instance(@PathVariable String instanceId) {
        return Map.of("instance_id", instanceId, "exists", instances.exists(instanceId));
    }

    /** Whether the broker holds the binding at all, whatever state its last operation is in. */
    @GetMapping("/admin/bindings/{bindingId}")
    Map<String, Object> binding(@PathVariable String bindingId) {
        return Map.of("binding_id", bindingId, "exists", bindings.exists(bindingId));
    }

    @GetMapping("/admin/requests")
    List<RequestLog.Entry> requests() {
        return log.snapshot();
    }

    @DeleteMapping("/admin/requests")
    ResponseEntity<Void> clearRequests() {
        log.clear();
        return ResponseEntity.noContent().build();
    }

    /** Target of the dashboard_url the broker hands out, so the link leads somewhere. */
    @GetMapping("/dashboard/{instanceId}")
    String dashboard(@PathVariable String instanceId) {
        ServiceInstances.InstanceView view = instances.fetch(instanceId);
        return "Sample broker instance " + instanceId + " (service " + view.serviceId() + ", plan "
                + view.planId() + ")\n";
    }
}
