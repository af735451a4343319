package io.provisioner.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server of the suite's own: {@code initdb} in a folder owned by the {@code postgres} OS user,
 * its own port on 127.0.0.1, its own socket folder, trust authentication, fsync on (the default). Stopping it
 * disturbs nothing else on the machine.
 */
final class Postgres implements AutoCloseable {

    static final String BIN = System.getProperty("fault.postgres.bin", "/usr/lib/postgresql/15/bin");
    private static final String OS_USER = "postgres";

    private final Path dir;
    private final Path data;
    private final Path socketDir;
    private final Path log;
    final int port;

    private Postgres(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.socketDir = dir.resolve("socket");
        this.log = dir.resolve("postgres.log");
        this.port = port;
    }

    /** Creates the cluster and starts it; the database {@code provisioner} exists afterwards. */
    static Postgres create(Path dir) {
        Postgres pg = new Postgres(dir, Procs.freePort());
        ManagedProcess.Registry.register(pg);
        pg.init();
        pg.start();
        Procs.run(Duration.ofSeconds(30), Procs.as(OS_USER, BIN + "/createdb", "-h", "127.0.0.1", "-p",
                Integer.toString(pg.port), "-U", "postgres", "provisioner"));
        return pg;
    }

    private void init() {
        try {
            Files.createDirectories(socketDir);
            Files.createDirectories(data);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (Procs.root()) {
            Procs.run(Duration.ofSeconds(10), "chown", "-R", OS_USER + ":" + OS_USER, dir.toString());
        }
        Procs.run(Duration.ofSeconds(120), Procs.as(OS_USER, BIN + "/initdb", "-D", data.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--no-instructions"));
    }

    void start() {
        List<String> options = new ArrayList<>(List.of(
                "-p " + port,
                "-c listen_addresses=127.0.0.1",
                "-c unix_socket_directories=" + socketDir,
                "-c fsync=on",
                "-c max_connections=60",
                "-c shared_buffers=64MB"));
        Procs.run(Duration.ofSeconds(60), Procs.as(OS_USER, BIN + "/pg_ctl", "-D", data.toString(), "-l", log.toString(),
                "-w", "-t", "50", "-o", String.join(" ", options), "start"));
    }

    /** An unclean stop, as a crash: every backend dies at once; the next start runs WAL recovery. */
    void stopImmediate() {
        Procs.run(Duration.ofSeconds(60), Procs.as(OS_USER, BIN + "/pg_ctl", "-D", data.toString(), "-m", "immediate",
                "-w", "stop"));
    }

    void stopFast() {
        Procs.run(Duration.ofSeconds(60), Procs.as(OS_USER, BIN + "/pg_ctl", "-D", data.toString(), "-m", "fast",
                "-w", "stop"));
    }

    boolean running() {
        try {
            Procs.run(Duration.ofSeconds(10), Procs.as(OS_USER, BIN + "/pg_ctl", "-D", data.toString(), "status"));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/provisioner";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        ManagedProcess.Registry.unregister(this);
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                stopFast();
            } catch (RuntimeException e) {
                try {
                    stopImmediate();
                } catch (RuntimeException ignored) {
                    // reported by the caller's logs
                }
            }
        }
    }
}
