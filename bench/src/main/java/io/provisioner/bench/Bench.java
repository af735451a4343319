package io.provisioner.bench;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import tools.jackson.databind.JsonNode;

/**
 * The benchmark: raw limits of the machine, create throughput at rising open-loop rates, sustained end
 * to end on the sync plan, completion lag of async plans, in-flight scale, and footprint; one Markdown
 * report on standard output and the same findings as JSON in {@code --out}. See the module README.
 */
public final class Bench {

    private static final int MAX_OUTSTANDING = 4096;
    private static final int WARM_UP_CONCURRENCY = 8;

    private final Options options;
    private final Api api;
    private final Database db;
    private final Report report = new Report();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private volatile double peakRss = -1;

    private Bench(Options options) {
        this.options = options;
        this.api = new Api(options);
        this.db = new Database(options);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new Bench(options).run();
    }

    private void run() throws Exception {
        report.title("Provisioner benchmark");
        machine();
        try (LocalRun local = options.start() != null ? LocalRun.start(options) : LocalRun.attach(options.pid())) {
            Thread sampler = new Thread(() -> sampleRss(local), "bench-rss");
            sampler.setDaemon(true);
            double restRss = local.rssMiB();
            sampler.start();
            api.login();
            warmUp();
            double createRate = options.runs("create") ? createThroughput() : Double.NaN;
            double pgLimit = options.runs("raw") ? rawLimits() : Double.NaN;
            if (options.runs("create")) {
                double share = createRate / pgLimit;
                report.line(String.format(java.util.Locale.ROOT,
                        "Highest create rate with p99 ≤ %.0f ms and no errors: **%s/s**, %s of the raw PostgreSQL limit (%s tx/s).%n",
                        options.p99LimitMs(), Report.format(createRate), Double.isNaN(share) ? "–"
                                : String.format(java.util.Locale.ROOT, "%.0f %%", share * 100), Report.format(pgLimit)));
                report.put("create_best_rate", createRate);
                report.put("create_share_of_pg_limit", share);
            }
            if (options.runs("sustained")) {
                sustained();
            }
            if (options.runs("lag")) {
                completionLag();
            }
            if (options.runs("inflight")) {
                inFlight(local);
            }
            footprint(local, restRss);
        }
        String loadAtEnd = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "?";
        report.line("Load average at the end: " + loadAtEnd + ".");
        report.put("load_average_at_end", loadAtEnd);
        report.writeJson(options.out());
        System.out.println(report.markdown());
        System.out.println("(JSON: " + options.out().toAbsolutePath() + ")");
        System.exit(0);
    }

    private void machine() throws Exception {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", Instant.now().toString());
        machine.put("host", InetAddress.getLocalHost().getHostName());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("load_average_at_start", Files.exists(Path.of("/proc/loadavg"))
                ? Files.readString(Path.of("/proc/loadavg")).trim() : "?");
        machine.put("java", System.getProperty("java.version"));
        machine.put("options", options.toString());
        report.put("machine", machine);
        report.line("Run " + machine.get("date") + " on " + machine.get("host") + ", " + machine.get("cores")
                + " cores (load average at start " + machine.get("load_average_at_start") + "), Java "
                + machine.get("java") + ". Everything shares these cores: the local run, PostgreSQL, Kafka and this "
                + "load generator.\n");
    }

    /**
     * Creates before anything is measured, {@value #WARM_UP_CONCURRENCY} at a time (closed loop: as fast as
     * the stack answers, never more), for {@code --warm-up-seconds}; then the pipeline is let finish them.
     * On two cores a freshly started local run spends its first minutes compiling (the JIT's C2 thread
     * takes about a core for three to four minutes under load): the phases should meet compiled code.
     */
    private void warmUp() throws Exception {
        if (options.warmUp().isZero()) {
            return;
        }
        long started = System.nanoTime();
        long until = started + options.warmUp().toNanos();
        Semaphore slots = new Semaphore(WARM_UP_CONCURRENCY);
        String prefix = "w" + run + "-";
        int sent = 0;
        while (System.nanoTime() < until) {
            slots.acquire();
            api.create(prefix + sent++, "sync", null).whenComplete((answer, failure) -> slots.release());
        }
        slots.acquire(WARM_UP_CONCURRENCY);
        db.drain(options.drainTimeout());
        report.line("Warm-up: " + sent + " creates, " + WARM_UP_CONCURRENCY + " at a time, for "
                + options.warmUp().toSeconds() + " s, then drained, in "
                + Report.format((System.nanoTime() - started) / 1e9) + " s (not measured).\n");
    }

    private double rawLimits() throws Exception {
        report.section("Raw limits (same run)");
        db.drain(options.drainTimeout());
        int recordBytes = RawLimits.requestRecordBytes(options);
        RawLimits.PgResult pg = RawLimits.postgres(options, recordBytes);
        RawLimits.KafkaResult kafka = RawLimits.kafka(options, recordBytes);
        report.table(List.of("what", "figure"), List.of(
                List.of("PostgreSQL: INSERT instance row + INSERT outbox row, one transaction, " + pg.clients()
                        + " JDBC clients", Report.format(pg.transactionsPerSecond()) + " tx/s (mean "
                        + Report.format(pg.meanMs()) + " ms)"),
                List.of("Kafka produce, acks=all, idempotent, " + recordBytes + " B records, 3 partitions",
                        Report.format(kafka.recordsPerSecond()) + " records/s")));
        report.put("raw", Map.of("pg", pg, "kafka", kafka));
        return pg.transactionsPerSecond();
    }

    /** Open-loop creates on the sync plan at each rate; returns the highest rate held within the p99 limit. */
    private double createThroughput() throws Exception {
        report.section("Create throughput (open loop, sync plan, latency from the intended send time)");
        List<List<Object>> rows = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        double best = Double.NaN;
        for (int rate : options.createRates()) {
            String prefix = "c" + run + "-" + rate + "-";
            OpenLoop.Result r = OpenLoop.run(rate, options.createStep(), MAX_OUTSTANDING, Duration.ofSeconds(30),
                    i -> status(api.create(prefix + i, "sync", null)));
            rows.add(List.of(rate, r.achievedPerSecond(), r.percentileMs(50), r.percentileMs(90), r.percentileMs(99),
                    r.percentileMs(99.9), r.maxMs(), r.errorCount() == 0 ? "0" : r.errors().toString()));
            results.add(summary(r));
            boolean held = r.errorCount() == 0 && r.percentileMs(99) <= options.p99LimitMs();
            if (held) {
                best = Double.isNaN(best) ? rate : Math.max(best, rate);
            }
            Duration drained = db.drain(options.drainTimeout());
            if (drained == null) {
                report.line("(the backlog did not drain within " + options.drainTimeout().toSeconds() + " s after " + rate + "/s)");
            }
            if (r.percentileMs(99) > 20 * options.p99LimitMs()) {
                break;
            }
        }
        report.table(List.of("rate/s", "accepted/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors"), rows);
        report.put("create", results);
        return best;
    }

    private void sustained() throws Exception {
        report.section("Sustained end to end (sync plan, " + options.sustainedDuration().toSeconds() + " s per rate)");
        List<List<Object>> rows = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        int bestFlat = 0;
        for (int rate : options.sustainedRates()) {
            db.drain(options.drainTimeout());
            String prefix = "s" + run + "-" + rate + "-";
            Instant from = Instant.now();
            OpenLoop.Result r = OpenLoop.run(rate, options.sustainedDuration(), MAX_OUTSTANDING, Duration.ofSeconds(30),
                    i -> status(api.create(prefix + i, "sync", null)));
            Instant to = Instant.now();
            long backlog = db.inProgress(prefix);
            double completed = db.succeededBetween(prefix, from, to) / ((to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
            boolean flat = backlog <= rate;
            if (flat) {
                bestFlat = rate;
            }
            Duration drained = db.drain(options.drainTimeout());
            List<Double> finish = db.finishMillis(prefix, 0);
            // With no creates arriving, how fast the pipeline alone works off what is left.
            double drainRate = drained == null || backlog == 0 ? Double.NaN : backlog / (drained.toMillis() / 1000.0);
            rows.add(List.of(rate, r.achievedPerSecond(), completed, backlog, flat ? "flat" : "growing",
                    Report.percentile(finish, 50), Report.percentile(finish, 99), r.percentileMs(99),
                    drained == null ? "> " + options.drainTimeout().toSeconds() + " s" : Report.format(drained.toMillis() / 1000.0) + " s",
                    drainRate));
            Map<String, Object> s = summary(r);
            s.put("completed_per_second", completed);
            s.put("backlog_at_end", backlog);
            s.put("flat", flat);
            s.put("create_to_finished_p50_ms", Report.percentile(finish, 50));
            s.put("create_to_finished_p99_ms", Report.percentile(finish, 99));
            s.put("drain_seconds", drained == null ? null : drained.toMillis() / 1000.0);
            s.put("drained_per_second", drainRate);
            results.add(s);
            if (!flat) {
                break;
            }
        }
        report.table(List.of("rate/s", "accepted/s", "completed/s", "backlog at end", "backlog", "create→succeeded p50 ms",
                "p99 ms", "create answer p99 ms", "drain after", "drained/s"), rows);
        report.line("Flat means at most one second of arrivals still in progress when the load stops; drained/s is "
                + "the backlog at the end over the time the pipeline alone took to finish it. Highest rate "
                + "with a flat backlog: **" + bestFlat + "/s**.\n");
        report.put("sustained", results);
        report.put("sustained_best_flat_rate", bestFlat);
    }

    private void completionLag() throws Exception {
        int delay = options.lagDelayMs();
        report.section("Completion lag (async plan, broker finishes after " + delay + " ms)");
        List<List<Object>> rows = new ArrayList<>();
        Map<String, Object> results = new LinkedHashMap<>();
        for (String retryAfter : new String[] {null, options.retryAfter()}) {
            db.drain(options.drainTimeout());
            api.clearBrokerLog();
            String prefix = "l" + run + "-" + (retryAfter == null ? "plain" : "ra") + "-";
            String parameters = "{\"sample_broker\":{\"mode\":\"async\",\"delay_ms\":" + delay
                    + (retryAfter == null ? "" : ",\"retry_after\":\"" + retryAfter + "\"") + "}}";
            OpenLoop.run(options.lagRate(), Duration.ofMillis(1000L * options.lagOperations() / options.lagRate()),
                    MAX_OUTSTANDING, Duration.ofSeconds(30), i -> status(api.create(prefix + i, "async", parameters)));
            db.drain(options.drainTimeout().plusMillis(delay));
            List<Double> lag = db.finishMillis(prefix, delay);
            Set<String> guids = new HashSet<>(db.guids(prefix));
            long polls = 0;
            for (JsonNode request : api.brokerLog()) {
                String path = request.get("path").asString();
                if (path.endsWith("/last_operation") && guids.contains(path.split("/")[3])) {
                    polls++;
                }
            }
            double pollsPerOperation = guids.isEmpty() ? Double.NaN : (double) polls / guids.size();
            String label = retryAfter == null ? "without Retry-After" : "Retry-After: " + retryAfter;
            rows.add(List.of(label, lag.size(), Report.percentile(lag, 50), Report.percentile(lag, 99), pollsPerOperation));
            results.put(retryAfter == null ? "plain" : "retry_after", Map.of("operations", lag.size(),
                    "lag_p50_ms", Report.percentile(lag, 50), "lag_p99_ms", Report.percentile(lag, 99),
                    "polls_per_operation", pollsPerOperation));
        }
        report.table(List.of("broker", "operations", "lag p50 ms", "lag p99 ms", "polls per operation"), rows);
        report.line("Lag = stored completion − (accepted + " + delay + " ms): it includes the moment between the "
                + "gateway's accept and the broker's start, so it errs high. Goal: p99 ≤ 1 s + 10 % of " + delay + " ms.\n");
        report.put("lag", results);
    }

    private void inFlight(LocalRun local) throws Exception {
        int count = options.inFlight();
        report.section("In-flight scale (" + count + " operations on a broker that takes 10 minutes)");
        db.drain(options.drainTimeout());
        String prefix = "f" + run + "-";
        String parameters = "{\"sample_broker\":{\"mode\":\"async\",\"delay_ms\":600000}}";
        OpenLoop.Result r = OpenLoop.run(options.inFlightRate(),
                Duration.ofMillis(1000L * count / options.inFlightRate()), MAX_OUTSTANDING, Duration.ofSeconds(30),
                i -> status(api.create(prefix + i, "async", parameters)));
        long start = System.nanoTime();
        long reported;
        while ((reported = db.reported(prefix)) < r.ok() && System.nanoTime() - start < options.drainTimeout().toNanos()) {
            Thread.sleep(500);
        }
        double cpu0 = local.cpuSeconds();
        long t0 = System.nanoTime();
        Thread.sleep(options.cpuWindow().toMillis());
        double cores = (local.cpuSeconds() - cpu0) / ((System.nanoTime() - t0) / 1e9);
        double rss = local.rssMiB();
        report.table(List.of("accepted", "taken by the broker", "CPU of the local run (cores)", "RSS MiB"),
                List.of(List.of(r.ok(), reported, local.measurable() ? cores : Double.NaN, rss)));
        report.line("The local run is one JVM (gateway, worker, Kafka broker, sample broker answering the polls): "
                + "its CPU bounds the worker's from above. Goal: ≤ 1 core for the worker.\n");
        report.put("in_flight", Map.of("accepted", r.ok(), "reported", reported, "cpu_cores", cores, "rss_mib", rss));
    }

    private void footprint(LocalRun local, double restRss) {
        report.section("Footprint");
        report.table(List.of("local run (one JVM)", "figure"), List.of(
                List.of("time to ready", local.timeToReady() == null ? "– (not started by the benchmark)"
                        : Report.format(local.timeToReady().toMillis() / 1000.0) + " s"),
                List.of("RSS at rest (MiB)", restRss),
                List.of("RSS peak under load (MiB)", peakRss),
                List.of("RSS at the end (MiB)", local.rssMiB())));
        Map<String, Object> footprint = new LinkedHashMap<>();
        footprint.put("time_to_ready_s", local.timeToReady() == null ? null : local.timeToReady().toMillis() / 1000.0);
        footprint.put("rss_rest_mib", restRss);
        footprint.put("rss_peak_mib", peakRss);
        report.put("footprint", footprint);
    }

    private void sampleRss(LocalRun local) {
        while (true) {
            peakRss = Math.max(peakRss, local.rssMiB());
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static CompletableFuture<Integer> status(CompletableFuture<HttpResponse<String>> answer) {
        return answer.thenApply(HttpResponse::statusCode);
    }

    private static Map<String, Object> summary(OpenLoop.Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rate", r.rate());
        s.put("sent", r.sent());
        s.put("ok", r.ok());
        s.put("errors", r.errors());
        s.put("accepted_per_second", r.achievedPerSecond());
        s.put("p50_ms", r.percentileMs(50));
        s.put("p90_ms", r.percentileMs(90));
        s.put("p99_ms", r.percentileMs(99));
        s.put("p999_ms", r.percentileMs(99.9));
        s.put("max_ms", r.maxMs());
        return s;
    }
}
