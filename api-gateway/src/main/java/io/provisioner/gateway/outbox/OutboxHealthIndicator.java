package io.provisioner.gateway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN when the relay has failed for longer than {@code provisioner.outbox.stall-after} without a batch
 * going through: whatever the gateway accepts then waits in the outbox. Part of {@code /actuator/health},
 * not of readiness: the gateway should keep accepting requests while Kafka is away (the outbox holds them).
 */
@Component
class OutboxHealthIndicator implements HealthIndicator {

    private final OutboxRelay relay;
    private final OutboxSettings settings;
    private final Clock clock;

    OutboxHealthIndicator(OutboxRelay relay, OutboxSettings settings, Clock clock) {
        this.relay = relay;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Instant since = relay.failingSince();
        Health.Builder health;
        if (since == null) {
            health = Health.up();
        } else {
            Duration failing = Duration.between(since, clock.instant());
            health = failing.compareTo(settings.stallAfter()) > 0 ? Health.down() : Health.up();
            health.withDetail("failingSince", since.toString()).withDetail("lastFailure", relay.lastFailure());
        }
        try {
            health.withDetail("quarantinedRows", relay.quarantinedRows());
        } catch (RuntimeException e) {
            health.withDetail("quarantinedRows", "unknown: the database is not answering");
        }
        return health.build();
    }
}
