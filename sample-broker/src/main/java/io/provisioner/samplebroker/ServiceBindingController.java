package io.provisioner.samplebroker;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** OSB {@code /v2/service_instances/:id/service_bindings/:binding_id} endpoints. */
@RestController
@RequestMapping("/v2/service_instances/{instanceId}/service_bindings/{bindingId}")
class ServiceBindingController {

    private final ServiceBindings bindings;
    private final Outage outage;

    ServiceBindingController(ServiceBindings bindings, Outage outage) {
        this.bindings = bindings;
        this.outage = outage;
    }

    /** An outage of the instance breaks its bindings' endpoints too. */
    @ModelAttribute
    void checkOutage(@PathVariable String instanceId, HttpServletRequest request) {
        BrokerException failure = outage.failure(request.getMethod(), instanceId);
        if (failure != null) {
            throw failure;
        }
    }

    @PutMapping
    ResponseEntity<?> bind(@PathVariable String instanceId, @PathVariable String bindingId,
            @RequestParam(name = "accepts_incomplete", defaultValue = "false") boolean acceptsIncomplete,
            @RequestBody BindRequest request) {
        return ServiceInstanceController.answer(bindings.bind(instanceId, bindingId, request, acceptsIncomplete));
    }

    @DeleteMapping
    ResponseEntity<?> unbind(@PathVariable String instanceId, @PathVariable String bindingId,
            @RequestParam(name = "service_id") String serviceId, @RequestParam(name = "plan_id") String planId,
            @RequestParam(name = "accepts_incomplete", defaultValue = "false") boolean acceptsIncomplete) {
        return ServiceInstanceController.answer(bindings.unbind(instanceId, bindingId, acceptsIncomplete));
    }

    @GetMapping
    ServiceBindings.BindingBody fetch(@PathVariable String instanceId, @PathVariable String bindingId) {
        return bindings.fetch(instanceId, bindingId);
    }

    @GetMapping("/last_operation")
    ResponseEntity<?> lastOperation(@PathVariable String instanceId, @PathVariable String bindingId) {
        return ServiceInstanceController.answer(bindings.lastOperation(instanceId, bindingId));
    }
}
