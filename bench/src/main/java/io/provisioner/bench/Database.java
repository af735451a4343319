package io.provisioner.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway's records say, read straight from its PostgreSQL database: operations in progress
 * and, per batch of instances (a name prefix), when each operation began and last changed state. Both
 * timestamps come from the gateway, so "accepted → succeeded as stored" needs no clock sync.
 */
final class Database {

    private final Options options;

    Database(Options options) {
        this.options = options;
    }

    long inProgress() throws SQLException {
        return count("SELECT COUNT(*) FROM service_instances WHERE operation_state = 'in progress'");
    }

    long inProgress(String prefix) throws SQLException {
        return count("SELECT COUNT(*) FROM service_instances WHERE operation_state = 'in progress' AND name LIKE ?", prefix + "%");
    }

    /** Operations of the prefix that the worker has reported on at least once (the broker took them). */
    long reported(String prefix) throws SQLException {
        return count("SELECT COUNT(*) FROM service_instances WHERE operation_sequence >= 1 AND name LIKE ?", prefix + "%");
    }

    long succeededBetween(String prefix, Instant from, Instant to) throws SQLException {
        return count("SELECT COUNT(*) FROM service_instances WHERE operation_state = 'succeeded' AND name LIKE ? "
                + "AND operation_updated_at >= ? AND operation_updated_at < ?", prefix + "%", Timestamp.from(from),
                Timestamp.from(to));
    }

    /** Milliseconds from accepted to the terminal state as stored, minus {@code offsetMs}, for finished operations of the prefix. */
    List<Double> finishMillis(String prefix, long offsetMs) throws SQLException {
        List<Double> out = new ArrayList<>();
        try (Connection db = RawLimits.connect(options); PreparedStatement sql = db.prepareStatement(
                "SELECT EXTRACT(EPOCH FROM (operation_updated_at - operation_created_at)) * 1000 - ? FROM service_instances "
                        + "WHERE operation_state <> 'in progress' AND name LIKE ?")) {
            sql.setLong(1, offsetMs);
            sql.setString(2, prefix + "%");
            try (ResultSet rows = sql.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getDouble(1));
                }
            }
        }
        return out;
    }

    List<String> guids(String prefix) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection db = RawLimits.connect(options);
                PreparedStatement sql = db.prepareStatement("SELECT guid FROM service_instances WHERE name LIKE ?")) {
            sql.setString(1, prefix + "%");
            try (ResultSet rows = sql.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
            }
        }
        return out;
    }

    /** Waits until nothing is in progress; returns how long that took, or null after {@code timeout}. */
    Duration drain(Duration timeout) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        while (inProgress() > 0) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                return null;
            }
            Thread.sleep(250);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private long count(String query, Object... params) throws SQLException {
        try (Connection db = RawLimits.connect(options); PreparedStatement sql = db.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                sql.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = sql.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
