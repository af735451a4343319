package io.provisioner.gateway.uaa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** UAA's lockout policy over time, with a clock the test moves. */
class LoginThrottleTest {

    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final LoginThrottle throttle = new LoginThrottle(
            new TokenIssuerSettings.Lockout(3, 5, Duration.ofHours(1), Duration.ofMinutes(5)), clock);

    @Test
    void aUserIsLockedAfterTheFailuresUntilThePeriodHasPassedSinceTheLast() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.locked("alice", "10.0.0.1")).isFalse();
            throttle.failed("alice", "10.0.0.1");
            now = now.plusSeconds(60);
        }
        assertThat(throttle.locked("alice", "10.0.0.9")).as("from any address").isTrue();
        assertThat(throttle.locked("bob", "10.0.0.9")).isFalse();

        now = now.plus(Duration.ofMinutes(4));
        assertThat(throttle.locked("alice", "10.0.0.1")).as("5 min after the last failure").isFalse();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.locked("alice", "10.0.0.1")).as("still 3 failures within the hour").isTrue();
    }

    @Test
    void failuresOutsideTheWindowDoNotCountAndASuccessClearsTheUser() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        now = now.plus(Duration.ofMinutes(61));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.locked("alice", "10.0.0.1")).isFalse();

        throttle.failed("alice", "10.0.0.1");
        throttle.succeeded("alice");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.locked("alice", "10.0.0.2")).isFalse();
    }

    @Test
    void anAddressIsLockedAfterItsFailuresWhateverTheUserNames() {
        for (int i = 0; i < 5; i++) {
            throttle.failed(null, "10.0.0.1");
        }
        assertThat(throttle.locked("carol", "10.0.0.1")).isTrue();
        assertThat(throttle.locked(null, "10.0.0.1")).isTrue();
        assertThat(throttle.locked("carol", "10.0.0.2")).isFalse();
        throttle.succeeded("carol");
        assertThat(throttle.locked("carol", "10.0.0.1")).as("a success elsewhere does not unlock the address").isTrue();
    }
}
