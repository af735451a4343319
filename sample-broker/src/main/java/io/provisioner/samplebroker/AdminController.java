package io.provisioner.samplebroker;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Helpers outside {@code /v2}: the request log for tests (behind the broker's basic auth, see
 * {@link BrokerApiFilter}) and the dashboard links (open: they show no tenant data).
 */
@RestController
class AdminController {

    private final RequestLog log;
    private final ServiceInstances instances;

    AdminController(RequestLog log, ServiceInstances instances) {
        this.log = log;
        this.instances = instances;
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
