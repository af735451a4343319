package io.provisioner.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process the suite started: its command line, environment and log file are kept, so it can be
 * killed ({@code SIGKILL}), stopped ({@code SIGTERM}), frozen ({@code SIGSTOP}) and started again the same way.
 */
class ManagedProcess implements AutoCloseable {

    final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    final Path log;
    private final BooleanSupplier ready;
    private volatile Process process;

    ManagedProcess(String name, List<String> command, Map<String, String> environment, Path log,
            BooleanSupplier ready) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
        this.ready = ready;
        Registry.register(this);
    }

    /** Starts the process (appending to its log) without waiting for it to be ready. */
    synchronized ManagedProcess launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n===== " + Instant.now() + " starting " + name + ": " + String.join(" ", command)
                    + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the readiness check passes; fails if the process exits first or the time runs out. */
    ManagedProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited (" + (p == null ? "never started" : "exit "
                        + p.exitValue()) + ") before it was ready; log " + log + ":\n" + Procs.tail(log, 60));
            }
            try {
                if (ready.getAsBoolean()) {
                    return this;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            Procs.sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; log " + log + ":\n"
                + Procs.tail(log, 60));
    }

    ManagedProcess start(Duration timeout) {
        return launch().awaitReady(timeout);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no flush, nothing. */
    void kill9() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        waitFor(p, Duration.ofSeconds(30));
    }

    /** SIGTERM and a wait for a clean exit; SIGKILL if it takes too long. */
    void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!waitFor(p, grace)) {
            kill9();
        }
    }

    void freeze() {
        Procs.signal(pid(), "STOP");
    }

    void thaw() {
        Procs.signal(pid(), "CONT");
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            try {
                thaw(); // a frozen process cannot act on SIGTERM
            } catch (RuntimeException e) {
                // gone already
            }
            stop(Duration.ofSeconds(15));
        }
        Registry.unregister(this);
    }

    /** Everything still running when the test JVM goes down is killed, so no child outlives the suite. */
    static final class Registry {
        private static final java.util.Set<AutoCloseable> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(c -> {
                try {
                    if (c instanceof ManagedProcess p) {
                        p.kill9();
                    } else {
                        c.close();
                    }
                } catch (Exception e) {
                    // best effort while the JVM goes down
                }
            }), "fault-kill-children"));
        }

        static void register(AutoCloseable c) {
            LIVE.add(c);
        }

        static void unregister(AutoCloseable c) {
            LIVE.remove(c);
        }
    }
}
