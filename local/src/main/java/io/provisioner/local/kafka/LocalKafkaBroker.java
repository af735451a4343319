package io.provisioner.local.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A persistent, in-process Apache Kafka broker for the local run: one KRaft node acting as broker and controller,
 * with all its state (metadata log, topic partitions, committed consumer-group offsets) in
 * {@code <dataDir>/kafka-logs}. Stopping the JVM, even with {@code kill -9}, and starting again on the same folder
 * keeps every topic, every acknowledged record and every committed offset (acknowledged writes are in the OS page
 * cache, which survives the death of the process; there is no fsync per message).
 *
 * <p>The folder is formatted once (when {@code meta.properties} is absent) with a fresh cluster id. The quorum is
 * static ({@code controller.quorum.voters}), so both ports may change between runs.
 *
 * <p>This uses Kafka's internal server API ({@code kafka.server.KafkaRaftServer},
 * {@code org.apache.kafka.metadata.storage.Formatter}), which has no compatibility guarantee: the Kafka version is
 * the one managed by the Spring Boot parent, and {@code LocalKafkaBrokerTest} must pass after any upgrade.
 *
 * <p>Kafka is chatty at INFO. The calling application should set the loggers {@code kafka},
 * {@code org.apache.kafka} and {@code state.change.logger} to WARN (e.g. {@code logging.level.kafka=WARN}).
 *
 * <p>Kafka ends the process ({@code Exit.halt}) on some faults. While this class starts or stops a broker it
 * replaces Kafka's exit/halt procedures so that such a fault becomes an {@link IllegalStateException} instead of
 * killing the JVM; afterwards Kafka's defaults are restored (a fatal fault of a running broker ends the process, as
 * it would for a standalone broker).
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalKafkaBroker.class.getName());

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String LOG_DIR_NAME = "kafka-logs";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Serialises start and stop: Kafka's exit/halt procedures are JVM-global. */
    private static final Object LIFECYCLE_LOCK = new Object();

    private final KafkaRaftServer server;
    private final Path logDir;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalKafkaBroker(KafkaRaftServer server, Path logDir, int port) {
        this.server = server;
        this.logDir = logDir;
        this.port = port;
    }

    /**
     * Formats {@code dataDir} if needed, starts the broker and waits until it accepts connections.
     *
     * @param dataDir           folder holding the broker's state; created if absent
     * @param port              client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one
     * @param controllerPort    KRaft controller port on 127.0.0.1; 0 picks a free one
     * @param defaultPartitions {@code num.partitions} for topics created without a partition count
     * @return the running broker
     * @throws IllegalStateException if a port or the data folder is in use, or the broker fails to start
     */
    public static LocalKafkaBroker start(Path dataDir, int port, int controllerPort, int defaultPartitions) {
        return start(dataDir, port, controllerPort, defaultPartitions, true);
    }

    /** {@code checkPortsFirst = false} exists only for the test of the halt guard. */
    static LocalKafkaBroker start(Path dataDir, int port, int controllerPort, int defaultPartitions,
                                  boolean checkPortsFirst) {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir must not be null");
        }
        checkPortArgument("port", port);
        checkPortArgument("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalStateException("Kafka port and Kafka controller port are both " + port
                    + ": set KAFKA_PORT and KAFKA_CONTROLLER_PORT to different ports");
        }
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("defaultPartitions must be at least 1, was " + defaultPartitions);
        }
        synchronized (LIFECYCLE_LOCK) {
            long begin = System.nanoTime();
            int actualPort = port == 0 ? freePort(controllerPort) : port;
            int actualControllerPort = controllerPort == 0 ? freePort(actualPort) : controllerPort;
            if (checkPortsFirst) {
                requireFree(actualPort, "Kafka port", "KAFKA_PORT");
                requireFree(actualControllerPort, "Kafka controller port", "KAFKA_CONTROLLER_PORT");
            }
            Path logDir = dataDir.toAbsolutePath().normalize().resolve(LOG_DIR_NAME);
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the Kafka data folder " + logDir + ": " + e, e);
            }
            requireNotLocked(logDir);

            Properties props = brokerProperties(logDir, actualPort, actualControllerPort, defaultPartitions);
            ExitGuard guard = ExitGuard.install();
            KafkaRaftServer server = null;
            try {
                KafkaConfig config = KafkaConfig.fromProps(props, false);
                formatIfNeeded(logDir);
                server = new KafkaRaftServer(config, Time.SYSTEM);
                startWithin(server, guard, START_TIMEOUT);
                awaitAcceptingConnections(actualPort, guard, begin + START_TIMEOUT.toNanos());
            } catch (RuntimeException | Error e) {
                if (server != null) {
                    stopQuietly(server);
                }
                throw failure("Kafka broker on " + HOST + ":" + actualPort + " (controller port "
                        + actualControllerPort + ", data " + logDir + ") failed to start", e, guard);
            } finally {
                guard.uninstall();
            }
            LOG.log(System.Logger.Level.INFO, "Kafka broker on {0}:{1} (controller port {2}, data {3}) started in {4} ms",
                    HOST, String.valueOf(actualPort), String.valueOf(actualControllerPort), logDir,
                    String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)));
            return new LocalKafkaBroker(server, logDir, actualPort);
        }
    }

    /** {@code "127.0.0.1:<port>"}, with the actual port when 0 was asked for. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Shuts the broker down cleanly and waits for it; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (LIFECYCLE_LOCK) {
            long begin = System.nanoTime();
            ExitGuard guard = ExitGuard.install();
            try {
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                    server.shutdown();
                    server.awaitShutdown();
                }, runnable -> newThread("local-kafka-shutdown", runnable).start());
                stopped.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the Kafka broker on " + bootstrapServers(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the Kafka broker on " + bootstrapServers() + " did not stop within "
                        + STOP_TIMEOUT.toSeconds() + " s", e);
            } catch (ExecutionException e) {
                throw failure("the Kafka broker on " + bootstrapServers() + " failed to stop cleanly", e.getCause(), guard);
            } finally {
                guard.uninstall();
            }
            LOG.log(System.Logger.Level.INFO, "Kafka broker on {0} (data {1}) stopped in {2} ms", bootstrapServers(),
                    logDir, String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)));
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", " + logDir + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    static Properties brokerProperties(Path logDir, int port, int controllerPort, int defaultPartitions) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // Static quorum: the voter's address is configuration, not metadata, so the ports may change between runs.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());

        // A restart after kill -9 must not wait long for the dead incarnation's registration to expire.
        p.put("broker.session.timeout.ms", "1500");
        p.put("broker.heartbeat.interval.ms", "300");
        // The default (128 MB) would be allocated on the heap as soon as the log cleaner starts.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");

        // One node: every internal topic has one replica.
        p.put("offsets.topic.num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("num.partitions", String.valueOf(defaultPartitions));
        // Every topic is declared by the app that uses it: a typo, or an admin reading an unknown name, must
        // not create one.
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");

        // A small machine: fewer threads than a production broker.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        return p;
    }

    private static void formatIfNeeded(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka data folder " + logDir + ": " + e, e);
        }
        LOG.log(System.Logger.Level.INFO, "Formatted the Kafka data folder {0}", logDir);
    }

    /** Runs {@code startup()} on its own thread: a fault on a Kafka thread may otherwise leave it waiting forever. */
    private static void startWithin(KafkaRaftServer server, ExitGuard guard, Duration timeout) {
        CompletableFuture<Void> started = CompletableFuture.runAsync(server::startup,
                runnable -> newThread("local-kafka-startup", runnable).start());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            guard.throwIfFaulted();
            try {
                started.get(100, TimeUnit.MILLISECONDS);
                guard.throwIfFaulted();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("startup did not complete within " + timeout.toSeconds() + " s");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(String.valueOf(cause), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** The broker accepts connections once an AdminClient gets an answer to describeCluster. */
    private static void awaitAcceptingConnections(int port, ExitGuard guard, long deadlineNanos) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port,
                AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(config)) {
            Exception last = null;
            while (System.nanoTime() - deadlineNanos < 0) {
                guard.throwIfFaulted();
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
            }
            throw new IllegalStateException("the broker did not accept connections within "
                    + START_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + last), last);
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        Thread stopper = newThread("local-kafka-abort", () -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.DEBUG, "shutting down a failed Kafka broker", t);
            }
        });
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static IllegalStateException failure(String what, Throwable cause, ExitGuard guard) {
        String fault = guard.fault();
        StringBuilder message = new StringBuilder(what);
        if (fault != null) {
            message.append(": Kafka reported a fatal fault and asked to end the process (").append(fault)
                    .append("); the JVM was kept alive, see the ERROR logged by Kafka just before");
        }
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && !(root instanceof KafkaHaltException)) {
            message.append(": ").append(root.getMessage() != null ? root.getMessage() : root.toString());
        }
        return new IllegalStateException(message.toString(), cause);
    }

    private static void checkPortArgument(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, was " + port);
        }
    }

    private static int freePort(int exclude) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int candidate = socket.getLocalPort();
                if (candidate != exclude) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("cannot find a free port on " + HOST);
    }

    private static void requireFree(int port, String what, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
        } catch (IOException e) {
            throw new IllegalStateException(what + " " + port + " is in use (another Kafka or local run?): set "
                    + variable + " to a free port (" + e.getMessage() + ")", e);
        }
    }

    /** Kafka locks {@code <logDir>/.lock} while it runs; fail early, with a clear message, if someone holds it. */
    private static void requireNotLocked(Path logDir) {
        Path lockFile = logDir.resolve(".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(logDir, null);
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw inUse(logDir, e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock the Kafka data folder " + logDir + ": " + e, e);
        }
    }

    private static IllegalStateException inUse(Path logDir, Throwable cause) {
        return new IllegalStateException("the Kafka data folder " + logDir
                + " is in use by another Kafka broker (another local run?)", cause);
    }

    private static Thread newThread(String name, Runnable runnable) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Thrown on the thread where Kafka called {@code Exit.halt}/{@code Exit.exit} while the guard is installed. */
    private static final class KafkaHaltException extends RuntimeException {
        KafkaHaltException(String message) {
            super(message);
        }
    }

    /** Turns Kafka's {@code Exit.halt}/{@code Exit.exit} into a recorded fault plus an exception. */
    private static final class ExitGuard {
        private final AtomicReference<String> fault = new AtomicReference<>();

        static ExitGuard install() {
            ExitGuard guard = new ExitGuard();
            Exit.setHaltProcedure((status, message) -> guard.record("halt", status, message));
            Exit.setExitProcedure((status, message) -> guard.record("exit", status, message));
            return guard;
        }

        private void record(String kind, int status, String message) {
            String description = kind + " " + status + (message == null ? "" : ": " + message);
            fault.compareAndSet(null, description);
            LOG.log(System.Logger.Level.WARNING, "Kafka asked to " + description + "; not ending the JVM");
            throw new KafkaHaltException("Kafka asked to " + description);
        }

        String fault() {
            return fault.get();
        }

        void throwIfFaulted() {
            String description = fault.get();
            if (description != null) {
                throw new KafkaHaltException("Kafka asked to " + description);
            }
        }

        void uninstall() {
            Exit.resetHaltProcedure();
            Exit.resetExitProcedure();
        }
    }
}
