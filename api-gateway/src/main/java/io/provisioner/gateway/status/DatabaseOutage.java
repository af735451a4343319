package io.provisioner.gateway.status;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure caused by the database being away (down, restarting, unreachable, out of
 * connections) from one caused by what a record holds. Only the first may pass with time.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /** True when {@code failure}, or anything that caused it, says the database could not be used. */
    public static boolean causes(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof TransactionSystemException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && outageState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes of an unusable database: 08 connection exception, 53 insufficient resources,
     * 57P operator intervention (shutdown, crash, cannot connect now), 40 a rolled-back transaction
     * (serialization failure, deadlock), which succeeds when tried again.
     */
    private static boolean outageState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.startsWith("40"));
    }
}
