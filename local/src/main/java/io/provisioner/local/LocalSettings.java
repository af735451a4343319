package io.provisioner.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the local run is laid out, from environment variables with defaults. A port of 0 means "any
 * free port" (what the tests use).
 *
 * @param databaseUrl a JDBC URL to use instead of the embedded H2 file database, or null
 * @param seed whether to seed an organization, a space and the sample broker
 * @param bindAddress the address the gateway, the worker and the sample broker listen on: loopback by
 *                    default, since the local run has well-known credentials (Kafka always stays on loopback)
 */
public record LocalSettings(
        Path dataDir,
        int gatewayPort,
        int workerPort,
        int sampleBrokerPort,
        int kafkaPort,
        int kafkaControllerPort,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        boolean seed,
        String bindAddress) {

    public static final String LOOPBACK = "127.0.0.1";

    public static LocalSettings fromEnvironment(Map<String, String> env) {
        return new LocalSettings(
                Path.of(env.getOrDefault("PROVISIONER_DATA_DIR", ".provisioner-data")).toAbsolutePath(),
                port(env, "GATEWAY_PORT", 8080),
                port(env, "WORKER_PORT", 8081),
                port(env, "SAMPLE_BROKER_PORT", 8090),
                port(env, "KAFKA_PORT", 9092),
                port(env, "KAFKA_CONTROLLER_PORT", 9093),
                env.get("PROVISIONER_DB_URL"),
                env.getOrDefault("PROVISIONER_DB_USER", "postgres"),
                env.getOrDefault("PROVISIONER_DB_PASSWORD", ""),
                !"false".equalsIgnoreCase(env.getOrDefault("PROVISIONER_SEED", "true")),
                bindAddress(env));
    }

    /** Every port picked at random, data in {@code dataDir}, database from the environment if set. */
    public static LocalSettings ephemeral(Path dataDir, Map<String, String> env) {
        return new LocalSettings(dataDir, 0, 0, 0, 0, 0, env.get("PROVISIONER_DB_URL"),
                env.getOrDefault("PROVISIONER_DB_USER", "postgres"), env.getOrDefault("PROVISIONER_DB_PASSWORD", ""), true, bindAddress(env));
    }

    private static String bindAddress(Map<String, String> env) {
        String value = env.get("PROVISIONER_BIND_ADDRESS");
        return value == null || value.isBlank() ? LOOPBACK : value.trim();
    }

    /** True when something other than this machine can reach the apps. */
    boolean reachableFromOutside() {
        try {
            return !java.net.InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("PROVISIONER_BIND_ADDRESS is not an address: '" + bindAddress + "'", e);
        }
    }

    /** Where this machine reaches the apps: the bind address, or loopback when they listen on all interfaces. */
    String connectHost() {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(bindAddress);
            if (address.isAnyLocalAddress()) {
                return LOOPBACK;
            }
            return address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("PROVISIONER_BIND_ADDRESS is not an address: '" + bindAddress + "'", e);
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'");
        }
    }

    Path h2Folder() {
        return dataDir.toAbsolutePath().resolve("db");
    }

    String h2Url() {
        // WRITE_DELAY=0: without it H2 loses the last half second of commits on kill -9.
        return "jdbc:h2:file:" + h2Folder().resolve("provisioner")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }
}
