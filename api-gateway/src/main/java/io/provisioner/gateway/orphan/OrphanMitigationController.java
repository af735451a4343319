package io.provisioner.gateway.orphan;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.outbox.OutboxWriter;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.gateway.serviceinstance.ServiceInstances;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OrphanMitigationRequested;
import io.provisioner.schemas.OrphanMitigationState;
import io.provisioner.schemas.Topics;

/**
 * Operators see the platform's clean-up jobs at brokers (orphan mitigation after a failed create): those
 * still trying and those abandoned, with instance, broker, attempts and last error. An abandoned job can
 * be run again; the request goes to the worker through the outbox, like every request.
 */
@RestController
class OrphanMitigationController {

    private static final String SOURCE = OutboxWriter.SOURCE;

    private final OrphanMitigationStore store;
    private final ServiceInstances instances;
    private final OutboxWriter outbox;
    private final TransactionTemplate transactions;
    private final Callers callers;
    private final Permissions permissions;
    private final Clock clock;

    OrphanMitigationController(OrphanMitigationStore store, ServiceInstances instances, OutboxWriter outbox,
            TransactionTemplate transactions, Callers callers, Permissions permissions, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.outbox = outbox;
        this.transactions = transactions;
        this.callers = callers;
        this.permissions = permissions;
        this.clock = clock;
    }

    /** Pending and abandoned jobs (or those of the states {@code q=state:...} names), oldest first. */
    @GetMapping(OrphanMitigationStore.PATH)
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        permissions.requireAdmin(callers.current());
        return store.list(ListQuery.parse(request.getParameterMap(), OrphanMitigationStore.FILTERS,
                OrphanMitigationStore.ORDERS));
    }

    @GetMapping(OrphanMitigationStore.PATH + "/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        permissions.requireAdmin(callers.current());
        return OrphanMitigationStore.resource(store.find(guid).orElseThrow(() -> notFound(guid)));
    }

    /**
     * Runs an abandoned job again (202): it is pending from now on, and the worker begins a new run with the
     * full give-up time. Only an abandoned job of a create that is still the instance's last operation can be
     * retried (400 CF-InvalidRequest otherwise): a delete of the instance deletes at the broker itself.
     */
    @PostMapping(OrphanMitigationStore.PATH + "/{guid}/retry")
    ResponseEntity<Resource<Map<String, Object>>> retry(@PathVariable String guid) {
        permissions.requireAdmin(callers.current());
        OrphanMitigationStore.Job job = transactions.execute(tx -> {
            OrphanMitigationStore.Job current = store.find(guid).orElseThrow(() -> notFound(guid));
            if (current.state() != OrphanMitigationState.ABANDONED) {
                throw CfError.INVALID_REQUEST.exception("Only an abandoned orphan mitigation can be retried; the one of "
                        + "service instance " + guid + " is " + current.state().wire() + ".");
            }
            ServiceInstances.FailedCreate failed = instances.failedCreate(guid, current.operationId())
                    .orElseThrow(() -> CfError.INVALID_REQUEST.exception("The failed create of service instance " + guid
                            + " is no longer its last operation (it was deleted, or is being deleted): nothing to retry."));
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            store.reopen(guid, now);
            outbox.append(Topics.REQUESTS, EventEnvelope.of(EventTypes.ORPHAN_MITIGATION_REQUESTED, SOURCE,
                    now.toInstant(), guid, new OrphanMitigationRequested(failed.request(), failed.description(),
                            now.toInstant())));
            return store.find(guid).orElseThrow();
        });
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(OrphanMitigationStore.resource(job));
    }

    private static RuntimeException notFound(String guid) {
        return CfError.NOT_FOUND.exception("No orphan mitigation is known for service instance " + guid);
    }
}
