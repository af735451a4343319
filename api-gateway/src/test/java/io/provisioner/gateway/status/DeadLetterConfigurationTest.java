package io.provisioner.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * A status event that failed because the database was away is tried until the database is back, never
 * parked (parking it would lose the change); one that failed for a reason of its own is parked after
 * two more tries.
 */
class DeadLetterConfigurationTest {

    @Test
    void aRecordThatMetADatabaseOutageIsTriedAgainWithoutEnd() {
        Exception noConnection = new ListenerExecutionFailedException("listener failed",
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available")));

        BackOffExecution tries = DeadLetterConfiguration.backOffFor(noConnection).start();

        long longest = 0;
        for (int i = 0; i < 10_000; i++) {
            long pause = tries.nextBackOff();
            assertThat(pause).as("try %d", i + 2).isNotEqualTo(BackOffExecution.STOP).isPositive();
            longest = Math.max(longest, pause);
        }
        assertThat(longest).isEqualTo(DeadLetterConfiguration.OUTAGE_MAX_PAUSE.toMillis());
    }

    @Test
    void aRecordThatFailsForAReasonOfItsOwnIsParkedAfterTwoMoreTries() {
        Exception constraint = new ListenerExecutionFailedException("listener failed",
                new DataIntegrityViolationException("duplicate key value violates unique constraint"));

        BackOff backOff = DeadLetterConfiguration.backOffFor(constraint);
        BackOffExecution tries = backOff.start();

        assertThat(tries.nextBackOff()).isEqualTo(500);
        assertThat(tries.nextBackOff()).isEqualTo(500);
        assertThat(tries.nextBackOff()).isEqualTo(BackOffExecution.STOP);
    }

    @Test
    void outagesAreToldByTheirKindOrByTheirSqlState() {
        assertThat(DatabaseOutage.causes(new CannotCreateTransactionException("Could not open JDBC Connection"))).isTrue();
        // PostgreSQL going down (57P01 admin shutdown, 57P03 cannot connect now) and a cut connection (08006).
        assertThat(DatabaseOutage.causes(new RuntimeException(new SQLException("terminating connection", "57P01")))).isTrue();
        assertThat(DatabaseOutage.causes(new RuntimeException(new SQLException("the database system is starting up",
                "57P03")))).isTrue();
        assertThat(DatabaseOutage.causes(new SQLException("An I/O error occurred", "08006"))).isTrue();
        assertThat(DatabaseOutage.causes(new SQLException("could not serialize access", "40001"))).isTrue();

        assertThat(DatabaseOutage.causes(new SQLException("value too long", "22001"))).isFalse();
        assertThat(DatabaseOutage.causes(new SQLException("no state"))).isFalse();
        assertThat(DatabaseOutage.causes(new IllegalStateException("a bug"))).isFalse();
        assertThat(DatabaseOutage.causes(new DataIntegrityViolationException("duplicate key"))).isFalse();
    }
}
