package io.provisioner.gateway.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.serviceinstance.ServiceInstances;
import io.provisioner.gateway.servicekey.ServiceKeys;

/**
 * No operation stays "in progress" forever. Operations still in progress well past their deadline
 * (the worker fails them at the deadline itself, so these lost their events: a wiped topic, a bug, an
 * outage) are failed with a description saying so; a create gets orphan mitigation at the broker.
 * Also reports outbox rows that stay unsent. Safe to run in every gateway at once: each resolution is
 * a conditional update, so exactly one gateway wins it.
 */
@Component
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final JdbcClient jdbc;
    private final ServiceInstances instances;
    private final ServiceKeys serviceKeys;
    private final ReconcilerSettings settings;
    private final Clock clock;
    private final Counter resolved;
    private final AtomicLong oldestUnsentSeconds = new AtomicLong();

    Reconciler(JdbcClient jdbc, ServiceInstances instances, ServiceKeys serviceKeys, ReconcilerSettings settings,
            Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.instances = instances;
        this.serviceKeys = serviceKeys;
        this.settings = settings;
        this.clock = clock;
        this.resolved = Counter.builder("provisioner.reconciler.resolved")
                .description("Operations the reconciler failed because their events never came").register(meters);
        Gauge.builder("provisioner.outbox.oldest.unsent.age", oldestUnsentSeconds, AtomicLong::get)
                .baseUnit("seconds").description("Age of the oldest outbox row not yet published").register(meters);
    }

    private record Overdue(String guid, String operationId) {
    }

    @Scheduled(fixedDelayString = "${provisioner.reconciler.every:30s}", initialDelayString = "${provisioner.reconciler.every:30s}")
    void reconcile() {
        try {
            reconcileOnce();
            checkOutbox();
        } catch (RuntimeException e) {
            log.warn("reconciliation skipped: {}", e.getMessage());
        }
    }

    /** Resolves overdue operations; returns how many this gateway resolved. */
    int reconcileOnce() {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        List<Overdue> overdue = jdbc.sql("""
                SELECT guid, operation_id FROM service_instances
                WHERE operation_state = 'in progress' AND operation_deadline < ?
                ORDER BY operation_deadline LIMIT ?""")
                .params(now.minus(settings.grace()), settings.batchSize())
                .query((rs, n) -> new Overdue(rs.getString(1), rs.getString(2)))
                .list();
        int count = 0;
        for (Overdue operation : overdue) {
            if (instances.failLostOperation(operation.guid(), operation.operationId(), settings.grace())) {
                count++;
                resolved.increment();
                log.warn("operation {} of instance {} was still in progress {} past its deadline; failed it",
                        operation.operationId(), operation.guid(), settings.grace());
            }
        }
        int keys = serviceKeys.failLostOperations(settings.grace(), settings.batchSize());
        if (keys > 0) {
            resolved.increment(keys);
            log.warn("{} service key operations were still in progress {} past their deadline; failed them", keys,
                    settings.grace());
        }
        return count + keys;
    }

    void checkOutbox() {
        OffsetDateTime oldest = jdbc.sql("SELECT MIN(created_at) FROM outbox").query((rs, n) ->
                rs.getObject(1, OffsetDateTime.class)).list().stream().filter(java.util.Objects::nonNull).findFirst()
                .orElse(null);
        long age = oldest == null ? 0 : Duration.between(oldest, OffsetDateTime.now(clock)).toSeconds();
        oldestUnsentSeconds.set(Math.max(0, age));
        if (age > settings.stuckOutboxAge().toSeconds()) {
            log.warn("the oldest unsent outbox row is {} s old: is Kafka reachable from this gateway?", age);
        }
    }
}
