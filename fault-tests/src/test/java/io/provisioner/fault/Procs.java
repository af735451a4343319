package io.provisioner.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Small helpers around operating-system processes, ports and files. */
final class Procs {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Procs() {
    }

    /** A free TCP port on 127.0.0.1, never the same one twice in this JVM. */
    static synchronized int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command to its end; returns its output; fails on a non-zero exit or a timeout. */
    static String run(Duration timeout, List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("fault-cmd", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + command + "\n"
                        + Files.readString(out));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + " from " + command + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    static String run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /** {@code command} as the given OS user (via runuser when we are root). */
    static List<String> as(String user, String... command) {
        List<String> all = new ArrayList<>();
        if (root()) {
            all.addAll(List.of("runuser", "-u", user, "--"));
        }
        all.addAll(List.of(command));
        return all;
    }

    static void signal(long pid, String signal) {
        run(Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(pid));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** The last {@code lines} lines of a log file, for failure messages. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static double seconds(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1e9;
    }
}
