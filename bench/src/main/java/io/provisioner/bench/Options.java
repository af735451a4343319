package io.provisioner.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run measures and against what. Every option is {@code --name=value}; {@link #usage()} lists
 * them. {@code --quick} shortens every phase (a smoke run of a minute or two); explicit options win.
 */
record Options(
        String api, String brokerUrl, String brokerUser, String brokerPassword, String kafka,
        String dbUrl, String dbUser, String dbPassword, Path start, boolean recreateDb, String localJvmOptions,
        Long pid, Set<String> phases, Duration warmUp, Duration rawDuration, int pgClients,
        List<Integer> createRates, Duration createStep, double p99LimitMs,
        List<Integer> sustainedRates, Duration sustainedDuration,
        int lagOperations, int lagRate, int lagDelayMs, String retryAfter,
        int inFlight, int inFlightRate, Duration cpuWindow,
        Duration drainTimeout, Path out) {

    static final List<String> ALL_PHASES = List.of("raw", "create", "sustained", "lag", "inflight");

    static Options parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + arg + "\n" + usage());
            }
            int eq = arg.indexOf('=');
            given.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        boolean quick = Boolean.parseBoolean(given.getOrDefault("quick", "false"));
        Map<String, String> o = new LinkedHashMap<>(defaults(quick));
        for (String key : given.keySet()) {
            if (!o.containsKey(key) && !key.equals("quick")) {
                throw new IllegalArgumentException("unknown option --" + key + "\n" + usage());
            }
        }
        o.putAll(given);
        return new Options(o.get("api"), o.get("broker-url"), o.get("broker-user"), o.get("broker-password"),
                o.get("kafka"), o.get("db-url"), o.get("db-user"), o.get("db-password"),
                o.get("start").isEmpty() ? null : Path.of(o.get("start")), Boolean.parseBoolean(o.get("recreate-db")),
                o.get("local-jvm-options"), o.get("pid").isEmpty() ? null : Long.valueOf(o.get("pid")),
                Set.copyOf(list(o.get("phases"))), seconds(o.get("warm-up-seconds")), seconds(o.get("raw-seconds")), Integer.parseInt(o.get("pg-clients")),
                ints(o.get("create-rates")), seconds(o.get("create-seconds")), Double.parseDouble(o.get("p99-limit-ms")),
                ints(o.get("sustained-rates")), seconds(o.get("sustained-seconds")),
                Integer.parseInt(o.get("lag-operations")), Integer.parseInt(o.get("lag-rate")),
                Integer.parseInt(o.get("lag-delay-ms")), o.get("retry-after"),
                Integer.parseInt(o.get("in-flight")), Integer.parseInt(o.get("in-flight-rate")),
                seconds(o.get("cpu-seconds")), seconds(o.get("drain-seconds")), Path.of(o.get("out")));
    }

    private static Map<String, String> defaults(boolean quick) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("api", "http://127.0.0.1:8080");
        d.put("broker-url", "http://127.0.0.1:8090");
        d.put("broker-user", "broker");
        d.put("broker-password", "broker-secret");
        d.put("kafka", "127.0.0.1:9092");
        d.put("db-url", "jdbc:postgresql://127.0.0.1:5432/provisioner_bench");
        d.put("db-user", "postgres");
        d.put("db-password", "");
        d.put("start", "");
        d.put("recreate-db", "false");
        d.put("local-jvm-options", "");
        d.put("pid", "");
        d.put("phases", String.join(",", ALL_PHASES));
        d.put("warm-up-seconds", quick ? "30" : "240");
        d.put("raw-seconds", quick ? "5" : "15");
        d.put("pg-clients", "10");
        d.put("create-rates", quick ? "200,400,800" : "100,200,300,500,750,1000,1500,2000,3000");
        d.put("create-seconds", quick ? "5" : "15");
        d.put("p99-limit-ms", "25");
        d.put("sustained-rates", quick ? "200" : "100,200,300,500,1000,1500");
        d.put("sustained-seconds", quick ? "15" : "60");
        d.put("lag-operations", quick ? "50" : "200");
        d.put("lag-rate", "50");
        d.put("lag-delay-ms", "3000");
        d.put("retry-after", "2");
        d.put("in-flight", quick ? "1000" : "10000");
        d.put("in-flight-rate", "150");
        d.put("cpu-seconds", quick ? "10" : "30");
        d.put("drain-seconds", quick ? "60" : "300");
        d.put("out", "target/bench-report.json");
        return d;
    }

    static String usage() {
        StringBuilder text = new StringBuilder("options (--name=value), defaults in brackets; --quick shortens every phase:\n");
        defaults(false).forEach((k, v) -> text.append("  --").append(k).append(" [").append(v).append("]\n"));
        return text.toString();
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<Integer> ints(String value) {
        List<Integer> out = new ArrayList<>();
        for (String s : list(value)) {
            out.add(Integer.valueOf(s));
        }
        return out;
    }
}
