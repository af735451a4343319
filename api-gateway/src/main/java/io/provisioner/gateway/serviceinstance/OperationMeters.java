package io.provisioner.gateway.serviceinstance;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.provisioner.schemas.OperationStatusChanged;
import io.provisioner.schemas.OperationType;

/**
 * The operator's view of operations: started and finished by type, outcome, broker and plan (by name: a
 * handful of values each, never an instance guid), how long they took, how late their end reached the
 * record, which status events were applied or ignored, and how many are past their deadline.
 */
@Component
public class OperationMeters {

    /** End-to-end durations: from a sub-second synchronous broker to the 24 h default deadline. */
    static final Duration[] OPERATION_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
            1800, 3600, 7200, 21600, 86400);
    /** From the worker seeing the broker's answer to the gateway's record showing it. */
    static final Duration[] LAG_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);

    /** Tag values of an operation's plan. */
    record Labels(String broker, String plan) {
        static final Labels UNKNOWN = new Labels("unknown", "unknown");
    }

    private final JdbcClient jdbc;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Labels> byPlanGuid = new ConcurrentHashMap<>();

    OperationMeters(JdbcClient jdbc, MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.clock = clock;
        Gauge.builder("provisioner.operations.past.deadline", this, OperationMeters::pastDeadline)
                .description("Operations still in progress after their deadline (the reconciler fails them after a grace period)")
                .register(meters);
    }

    void started(OperationType type, String planGuid) {
        Labels labels = ofPlan(planGuid);
        Counter.builder("provisioner.operations.started").description("Operations accepted, by type, broker and plan")
                .tags("type", type.wire(), "broker", labels.broker(), "plan", labels.plan())
                .register(meters).increment();
    }

    /** A status event changed the record; a terminal one ends the operation. */
    void applied(OperationStatusChanged event, Labels labels, OffsetDateTime started, OffsetDateTime now) {
        statusEvent("applied");
        if (event.occurredAt() != null) {
            Timer.builder("provisioner.operation.completion.lag")
                    .description("From the worker's report of a step (the broker's answer) to the record showing it")
                    .tags("type", event.operationType().wire(), "state", event.state().wire())
                    .serviceLevelObjectives(LAG_BUCKETS).register(meters)
                    .record(Duration.between(event.occurredAt(), now.toInstant()).abs());
        }
        if (!event.state().terminal()) {
            return;
        }
        Counter.builder("provisioner.operations.finished")
                .description("Operations that reached a final state, by type, state, broker and plan")
                .tags("type", event.operationType().wire(), "state", event.state().wire(), "broker", labels.broker(),
                        "plan", labels.plan())
                .register(meters).increment();
        if (started != null) {
            Timer.builder("provisioner.operation.duration")
                    .description("From the caller's request to the operation's end")
                    .tags("type", event.operationType().wire(), "state", event.state().wire(), "broker", labels.broker())
                    .serviceLevelObjectives(OPERATION_BUCKETS).register(meters)
                    .record(Duration.between(started, now));
        }
    }

    /**
     * A status event changed nothing: {@code duplicate} when the record already holds this step of this
     * operation (a redelivery), {@code stale} otherwise (an older step, an operation that ended or was
     * replaced, an instance that is gone).
     */
    void ignored(OperationStatusChanged event) {
        boolean duplicate = jdbc.sql("SELECT operation_id, operation_sequence FROM service_instances WHERE guid = ?")
                .param(event.instanceGuid())
                .query((rs, n) -> event.operationId().equals(rs.getString(1)) && rs.getLong(2) == event.sequence())
                .optional().orElse(false);
        statusEvent(duplicate ? "duplicate" : "stale");
    }

    private void statusEvent(String result) {
        Counter.builder("provisioner.status.events")
                .description("Status events from the worker: applied, or ignored as stale or duplicate")
                .tag("result", result).register(meters).increment();
    }

    Labels ofPlan(String planGuid) {
        if (planGuid == null) {
            return Labels.UNKNOWN;
        }
        Labels known = byPlanGuid.get(planGuid);
        if (known != null) {
            return known;
        }
        Optional<Labels> found = jdbc.sql("""
                SELECT b.name, p.name FROM service_plans p
                JOIN services s ON s.guid = p.service_guid
                JOIN service_brokers b ON b.guid = s.service_broker_guid
                WHERE p.guid = ?""").param(planGuid)
                .query((rs, n) -> new Labels(rs.getString(1), rs.getString(2))).optional();
        // Names are kept once seen: a renamed plan keeps counting under the name the dashboards know.
        found.ifPresent(labels -> byPlanGuid.put(planGuid, labels));
        return found.orElse(Labels.UNKNOWN);
    }

    private double pastDeadline() {
        try {
            return jdbc.sql("SELECT COUNT(*) FROM service_instances WHERE operation_state = 'in progress' AND operation_deadline < ?")
                    .param(OffsetDateTime.now(clock)).query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return durations;
    }
}
