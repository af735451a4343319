package io.provisioner.worker.polling;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Whether asynchronous operations are being followed; part of the readiness group. */
@Component("pollingHealthIndicator")
class PollLoopHealth implements HealthIndicator {

    private final PollLoop loop;

    PollLoopHealth(PollLoop loop) {
        this.loop = loop;
    }

    @Override
    public Health health() {
        String problem = loop.problem();
        return problem == null ? Health.up().build() : Health.down().withDetail("problem", problem).build();
    }
}
