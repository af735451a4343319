package io.provisioner.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.provisioner.schemas.Topics;

/**
 * Issue 5, "Prove it": every scenario starts its own processes (PostgreSQL, Kafka, sample broker, worker, gateway),
 * runs load, injects its fault, and then checks every operation: lost, stuck, wrong, duplicate provisions.
 * Run with {@code ./mvnw -B -Pfault-tests verify -pl fault-tests -am -Dmaven.test.skip=true} (see README.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    private static final List<Verdict> RESULTS = new ArrayList<>();
    private static Path work;
    private static Stack.Jars jars;
    private static Set<Integer> selected;
    private static double scale;
    private static long suiteStart;

    @BeforeAll
    static void prepare() throws IOException {
        suiteStart = System.nanoTime();
        work = Path.of(System.getProperty("fault.work.dir", "target/fault-runs")).toAbsolutePath();
        Files.createDirectories(work);
        Path jarDir = work.resolve("jars");
        Files.createDirectories(jarDir);
        jars = new Stack.Jars(copy(System.getProperty("fault.gateway.jar"), jarDir),
                copy(System.getProperty("fault.worker.jar"), jarDir),
                copy(System.getProperty("fault.broker.jar"), jarDir));
        String which = System.getProperty("fault.scenarios", "all").trim();
        selected = new TreeSet<>();
        if (which.isEmpty() || which.equals("all") || which.startsWith("${")) {
            selected.addAll(List.of(1, 2, 3, 4, 5, 6));
        } else {
            Arrays.stream(which.split(",")).map(String::trim).map(Integer::parseInt).forEach(selected::add);
        }
        String s = System.getProperty("fault.scale", "1").trim();
        scale = s.isEmpty() || s.startsWith("${") ? 1.0 : Double.parseDouble(s);
        if (!Files.isExecutable(Path.of(Postgres.BIN, "initdb"))) {
            throw new IllegalStateException("PostgreSQL server binaries not found in " + Postgres.BIN
                    + " (apt-get install postgresql-15, or -Dfault.postgres.bin=...)");
        }
        print("fault suite: scenarios " + selected + ", scale " + scale + ", work folder " + work);
    }

    private static Path copy(String jar, Path dir) throws IOException {
        if (jar == null) {
            throw new IllegalStateException("system property with the jar path missing (run through Maven, see README)");
        }
        Path source = Path.of(jar);
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException(source + " does not exist: build with -am (see fault-tests/README.md)");
        }
        Path target = dir.resolve(source.getFileName());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @AfterAll
    static void summary() throws IOException {
        StringBuilder s = new StringBuilder("\n==================== fault suite results ====================\n");
        for (Verdict v : RESULTS) {
            s.append(v.report());
        }
        long passed = RESULTS.stream().filter(Verdict::passed).count();
        s.append(String.format("suite took %.0f s%n", Procs.seconds(suiteStart)));
        s.append(passed).append(" passed, ").append(RESULTS.size() - passed).append(" failed\n");
        print(s.toString());
        if (work != null) {
            Files.writeString(work.resolve("report.txt"), s.toString(), StandardCharsets.UTF_8);
        }
    }

    private static void print(String text) {
        System.out.println(text);
        System.out.flush();
    }

    private static int scaled(int n) {
        return Math.max(10, (int) Math.round(n * scale));
    }

    // ------------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Body {
        void run(Stack stack, Verdict verdict) throws Exception;
    }

    private static void scenario(int number, String title, Body body) throws IOException {
        assumeTrue(selected.contains(number), "scenario " + number + " not selected");
        Verdict verdict = new Verdict(number, title);
        long start = System.nanoTime();
        Path dir = work.resolve("scenario-" + number);
        Procs.deleteTree(dir);
        Files.createDirectories(dir);
        print("---- scenario " + number + " " + title + " (" + Instant.now() + "), logs in " + dir);
        try (Stack stack = Stack.start(dir, jars)) {
            verdict.notes.add(String.format("stack (PostgreSQL, Kafka, sample broker, worker, gateway) up in %.1f s",
                    Procs.seconds(start)));
            body.run(stack, verdict);
            long keep = Long.getLong("fault.keep.seconds", 0L);
            if (keep > 0) {
                print("keeping the stack up for " + keep + " s: gateway " + stack.gatewayUrl() + ", broker "
                        + stack.brokerUrl() + ", kafka " + stack.kafka.bootstrap() + ", postgres port " + stack.postgres.port);
                Procs.sleep(Duration.ofSeconds(keep));
            }
            if (stack.client.tokensFetched() > 0) {
                verdict.notes.add("the gateway asked for authentication: " + stack.client.tokensFetched()
                        + " bearer token(s) fetched from /oauth/token");
            }
        } catch (Throwable t) {
            verdict.problems.add("scenario aborted: " + t);
            t.printStackTrace(System.out);
        }
        verdict.tookSeconds = Math.round(Procs.seconds(start));
        RESULTS.add(verdict);
        print(verdict.report());
        assertTrue(verdict.passed(), verdict.line());
    }

    /** {@code n} creates: async plan with the given broker delay; every {@code failingEvery}-th on the failing plan. */
    private static List<Op> ops(Stack stack, String prefix, int n, int failingEvery, int delayMs) throws IOException {
        String asyncPlan = stack.client.planGuid(Stack.ASYNC_PLAN);
        String failingPlan = failingEvery > 0 ? stack.client.planGuid(Stack.FAILING_PLAN) : null;
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = String.format("%s-%05d", prefix, i);
            if (failingEvery > 0 && i % failingEvery == failingEvery - 1) {
                // A failure text of its own, so the description can only have come from this operation's broker answer.
                String failure = "Sample broker failure of " + name + " on purpose.";
                ops.add(new Op(i, name, failingPlan, Stack.FAILING_PLAN,
                        Map.of("sample_broker", Map.of("fail_description", failure), "fault_op", i), "failed", failure));
            } else {
                ops.add(new Op(i, name, asyncPlan, Stack.ASYNC_PLAN,
                        Map.of("sample_broker", Map.of("delay_ms", delayMs), "fault_op", i), "succeeded", null));
            }
        }
        return ops;
    }

    private static Load load(Stack stack, List<Op> ops, double rate) throws IOException {
        return new Load(stack.client, stack.client.spaceGuid(), ops, rate, 32, Duration.ofSeconds(180));
    }

    /** Waits for the load(s) and for every operation to settle, then checks them all. */
    private static Map<String, GatewayClient.Instance> settleAndVerify(Stack stack, List<Op> ops, Load load,
            Verdict verdict, Duration settle) throws IOException {
        return settleAndVerify(stack, ops, List.of(load), verdict, settle);
    }

    private static Map<String, GatewayClient.Instance> settleAndVerify(Stack stack, List<Op> ops, List<Load> loads,
            Verdict verdict, Duration settle) throws IOException {
        for (Load load : loads) {
            if (!load.awaitDone(Duration.ofSeconds(240))) {
                verdict.problems.add("the load did not finish: some creates never got a final answer");
            }
            load.close();
            verdict.notes.add("client: " + load.summary());
        }
        double settled = Verifier.awaitSettled(stack, ops, settle);
        verdict.notes.add(settled < 0 ? "operations still in progress after the bounded wait (at most "
                + settle.toSeconds() + " s; it ends early once no operation finished for "
                + Verifier.NO_PROGRESS.toSeconds() + " s)" : String.format(
                        "all operations final %.1f s after the load was answered (bounded wait %d s)",
                        settled, settle.toSeconds()));
        Map<String, GatewayClient.Instance> all = Verifier.verify(stack, ops, verdict);
        if (!verdict.deadLettersAllowed) {
            deadLetters(stack).forEach((topic, count) -> verdict.problems.add(count + " record(s) on " + topic
                    + ", where no poison was injected: a record was parked instead of applied"));
        }
        int strangers = Verifier.strangers(all, ops);
        if (strangers > 0) {
            verdict.problems.add(strangers + " instance(s) at the gateway that no create of this scenario produced");
        }
        return all;
    }

    /** The dead-letter topics that hold records, with how many each holds. */
    private static Map<String, Long> deadLetters(Stack stack) {
        Map<String, Long> parked = new TreeMap<>();
        try (KafkaTools kafka = new KafkaTools(stack.kafka.bootstrap())) {
            for (String topic : kafka.topics()) {
                if (topic.endsWith(Topics.DEAD_LETTER_SUFFIX)) {
                    long count = kafka.endOffsets(kafka.partitionsOf(topic)).values().stream()
                            .mapToLong(Long::longValue).sum();
                    if (count > 0) {
                        parked.put(topic, count);
                    }
                }
            }
        }
        return parked;
    }

    private static long inProgress(Stack stack, List<Op> ops) {
        try {
            Map<String, GatewayClient.Instance> all = stack.client.allInstances();
            return ops.stream().filter(Op::accepted).map(o -> all.get(o.guid))
                    .filter(i -> i != null && "in progress".equals(i.state())).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Answers other than 201 (and the expected ones) are a problem in their own right. */
    private static void unexpectedAnswers(Load load, Verdict verdict, Set<String> allowed, String context) {
        Map<String, Long> odd = new TreeMap<>();
        load.answerCounts().forEach((answer, count) -> {
            if (!answer.equals("201") && !answer.equals(Load.RETRY_NAME_TAKEN)
                    && allowed.stream().noneMatch(answer::startsWith)) {
                odd.put(answer, count);
            }
        });
        if (!odd.isEmpty()) {
            StringBuilder s = new StringBuilder("create answers " + odd + " " + context + "; first of each:");
            odd.keySet().forEach(k -> s.append(" [").append(load.example(k)).append(']'));
            verdict.problems.add(s.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void scenario1_killWorker() throws IOException {
        scenario(1, "kill -9 worker", (stack, v) -> {
            int n = scaled(1000);
            // The broker takes 20 s per operation, longer than the whole load: at the kill every one is in flight.
            List<Op> ops = ops(stack, "s1", n, 0, 20_000);
            // A worker killed after its PUT but before its commit sends the PUT again: absorbed retries are expected.
            v.absorbedRetriesAllowed = true;
            Load load = load(stack, ops, 100).start();
            if (!load.awaitAccepted(n, Duration.ofSeconds(120))) {
                v.problems.add("precondition: only " + load.accepted() + " of " + n + " creates accepted after 120 s, "
                        + "before kill 1");
            }
            long inFlight = inProgress(stack, ops);
            double killAt = load.elapsed();
            stack.worker.kill9();
            int reached = stack.broker.log().provisioned().size();
            v.notes.add(String.format("kill 1: worker killed (SIGKILL) %.1f s into the load: %d of %d creates accepted, "
                    + "%d in progress at the gateway, %d had reached the broker", killAt, load.accepted(), n, inFlight,
                    reached));
            if (inFlight < n * 0.9) {
                v.problems.add("precondition: only " + inFlight + " operations were in flight at the kill");
            }
            Procs.sleep(Duration.ofSeconds(3));
            long restart = System.nanoTime();
            stack.worker.start(Duration.ofSeconds(120));
            v.notes.add(String.format("worker restarted 3 s after kill 1, ready in %.1f s", Procs.seconds(restart)));

            // Three more kills while operations sit between their provision and their last poll, each at the moment a
            // late poll's outcome ("in progress", sequence 10 or more: the operation is some 10 s old, so the broker
            // finishes it while the worker is down) appears on provisioning.status: that poll batch is handled but its
            // offsets are not yet committed, so the next worker handles it again, by then with another outcome.
            long mostPolled = 0;
            try (KafkaTools kafka = new KafkaTools(stack.kafka.bootstrap())) {
                for (int kill = 2; kill <= 4; kill++) {
                    long waitFrom = System.nanoTime();
                    int target = n * (kill - 1) / 4;
                    int reachedNow = stack.broker.log().provisioned().size();
                    while (reachedNow < target && Procs.seconds(waitFrom) < 60) {
                        Procs.sleep(Duration.ofSeconds(2));
                        reachedNow = stack.broker.log().provisioned().size();
                    }
                    if (reachedNow < target) {
                        v.problems.add("precondition of kill " + kill + ": only " + reachedNow + " of the " + target
                                + " operations it waits for had reached the broker after 60 s");
                    }
                    long stillInProgress = inProgress(stack, ops);
                    if (stillInProgress == 0) {
                        // Nothing left to interrupt: a kill now would prove nothing, and no poll outcome will come.
                        v.notes.add("kill " + kill + ": skipped, every operation was already final");
                        continue;
                    }
                    // The moment is a poll outcome just published: a late "in progress" (sequence 10 or more), or a final one
                    // (sequence 3 or more) when the operations left are past the broker's 20 s and their polls only find
                    // them finished. Either way its batch is handled but not committed, so the next worker re-runs a step
                    // whose answer has changed or whose operation is over. One watch, from now on, for both: operations
                    // left after a restart may all finish within seconds, and a watch that began later would miss them.
                    String moment = killAtPollOutcome(kafka, stack.worker, POLL_OUTCOME_WAIT);
                    if (moment == null) {
                        long leftNow = inProgress(stack, ops);
                        if (leftNow == 0) {
                            // They finished between the count above and the watch: nothing left to interrupt.
                            v.notes.add("kill " + kill + ": skipped, every operation became final before a poll outcome "
                                    + "was seen");
                            continue;
                        }
                        stack.worker.kill9();
                        moment = "(no poll outcome seen for " + POLL_OUTCOME_WAIT.toSeconds() + " s)";
                        v.problems.add("precondition of kill " + kill + ": no poll outcome appeared on "
                                + Topics.STATUS + " within " + POLL_OUTCOME_WAIT.toSeconds() + " s while " + leftNow
                                + " operations were in progress; the worker was killed anyway, at no chosen moment");
                    }
                    long polling = reachedNow - (n - stillInProgress);
                    mostPolled = Math.max(mostPolled, polling);
                    Procs.sleep(Duration.ofSeconds(3));
                    restart = System.nanoTime();
                    stack.worker.start(Duration.ofSeconds(120));
                    v.notes.add(String.format("kill %d: worker killed (SIGKILL) %.1f s after the previous restart was "
                            + "ready, %s: %d operations had reached the broker, %d of them in progress (being polled), "
                            + "%d not yet sent; restarted 3 s later, ready in %.1f s", kill, Procs.seconds(waitFrom),
                            moment, reachedNow, polling, n - reachedNow, Procs.seconds(restart)));
                }
            }
            if (mostPolled < n / 10) {
                v.problems.add("precondition: at most " + mostPolled + " operations were being polled at a kill");
            }
            settleAndVerify(stack, ops, load, v, Duration.ofSeconds(240));
            unexpectedAnswers(load, v, Set.of(), "(the gateway was never disturbed)");
        });
    }

    /**
     * How long a kill waits for a poll outcome: operations some 30 s old are polled every 120 s at most
     * ({@code provisioning.polls.120s}), plus room for a loaded machine.
     */
    private static final Duration POLL_OUTCOME_WAIT = Duration.ofSeconds(180);

    /**
     * Kills {@code worker} the moment one of its poll outcomes appears on {@code provisioning.status}: an
     * {@code in progress} with a sequence of at least 10, or a {@code succeeded} or {@code failed} with a sequence of
     * at least 3 (a poll's, not the provision's answer). The batch that poll belongs to is then handled but not
     * committed. Returns how the moment was chosen, or null (and kills nothing) when none appeared within {@code timeout}.
     */
    private static String killAtPollOutcome(KafkaTools kafka, ManagedProcess worker, Duration timeout) {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer =
                kafka.consumer("fault-killer-" + java.util.UUID.randomUUID())) {
            List<TopicPartition> parts = kafka.partitionsOf(Topics.STATUS);
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.value() == null || r.headers().lastHeader(KafkaTools.INJECTED) != null) {
                        continue;
                    }
                    try {
                        var data = Http.JSON.readTree(r.value()).path("data");
                        long sequence = data.path("sequence").asLong(0);
                        String state = data.path("state").asString("");
                        boolean lateInProgress = state.equals("in progress") && sequence >= 10;
                        boolean polledFinal = (state.equals("succeeded") || state.equals("failed")) && sequence >= 3;
                        if (lateInProgress || polledFinal) {
                            worker.kill9();
                            return "as a poll outcome ('" + state + "', sequence " + sequence + ") had just been published";
                        }
                    } catch (RuntimeException e) {
                        // not an event of ours
                    }
                }
            }
        }
        return null;
    }

    @Test
    @Order(2)
    void scenario2_kafkaStopped() throws IOException {
        scenario(2, "Kafka broker stopped 30 s", (stack, v) -> {
            int n = scaled(400);
            List<Op> ops = ops(stack, "s2", n, 0, 3_000);
            // Kafka is killed: a worker whose commit was cut handles its records again, and PUTs again.
            v.absorbedRetriesAllowed = true;
            Load load = load(stack, ops, 10).start();
            load.sleepUntil(5);
            int before = load.accepted();
            stack.kafka.kill9();
            long downNanos = System.nanoTime();
            double down = load.elapsed();
            load.sleepUntil(down + 1);
            long backlogAtKill = outboxRows(stack).size();
            load.sleepUntil(down + 29);
            Set<String> backlogLate = outboxRows(stack);
            long lateNanos = System.nanoTime();
            load.sleepUntil(down + 30);
            int during = load.accepted() - before;
            long upNanos = System.nanoTime();
            double up = load.elapsed();
            long restart = System.nanoTime();
            stack.kafka.start();
            v.notes.add(String.format("Kafka killed (SIGKILL) %.1f s into the load, started again on the same port and "
                    + "data %.1f s later (ready in %.1f s); %d creates accepted while it was down", down,
                    up - down, Procs.seconds(restart), during));
            createsWhileKafkaDown(ops, downNanos, upNanos, v);
            // Nothing leaves the outbox while Kafka is down: every create first sent from a second after the kill (its
            // row written when no send can be acknowledged any more) and accepted by 29 s must still have its row then.
            long from = downNanos + 1_000_000_000L;
            List<Op> meanwhile = ops.stream().filter(o -> o.firstSentNanos > from && o.accepted()
                    && o.acceptedNanos < lateNanos && o.acceptedNanos != 0).toList();
            long missing = meanwhile.stream().filter(o -> !backlogLate.contains(o.guid)).count();
            v.notes.add(String.format("outbox: %d row(s) 1 s after the kill, %d at 29 s into the outage; %d creates "
                    + "sent and accepted in between, %d of them without their row", backlogAtKill, backlogLate.size(),
                    meanwhile.size(), missing));
            if (meanwhile.isEmpty() || missing > 0 || backlogLate.size() <= backlogAtKill) {
                v.problems.add("the outbox backlog did not hold the creates accepted while Kafka was down: "
                        + backlogAtKill + " -> " + backlogLate.size() + " rows; " + missing + " of " + meanwhile.size()
                        + " such creates without their row");
            }
            settleAndVerify(stack, ops, load, v, Duration.ofSeconds(180));
            long left = outboxRows(stack).size();
            v.notes.add("outbox after the operations settled: " + left + " row(s)");
            if (left != 0) {
                v.problems.add("the outbox backlog did not drain after Kafka came back: " + left + " row(s) left");
            }
            unexpectedAnswers(load, v, Set.of(), "while Kafka was down (DESIGN §7: Kafka being down never fails the request)");
        });
    }

    /**
     * What a create sent while Kafka is down must get: a 201 at its first attempt (DESIGN §7), and at once: at least
     * {@value #KAFKA_DOWN_FAST_SHARE}% of them within {@link #KAFKA_DOWN_FAST}, none slower than
     * {@link #KAFKA_DOWN_SLOWEST}. The request path only writes to PostgreSQL, so Kafka's absence must not slow it;
     * the bounds leave room for a machine shared with other builds, not for a request that waits on Kafka (the
     * producer's own blocking timeouts are a minute).
     */
    private static final Duration KAFKA_DOWN_FAST = Duration.ofSeconds(2);
    private static final int KAFKA_DOWN_FAST_SHARE = 95;
    private static final Duration KAFKA_DOWN_SLOWEST = Duration.ofSeconds(10);

    private static void createsWhileKafkaDown(List<Op> ops, long downNanos, long upNanos, Verdict v) {
        List<Op> sent = ops.stream().filter(o -> o.firstSentNanos >= downNanos && o.firstSentNanos <= upNanos).toList();
        List<Long> latencies = new ArrayList<>();
        int first201 = 0;
        for (Op op : sent) {
            Op.Attempt first = op.answers.isEmpty() ? null : op.answers.get(0);
            if (first != null && first.answer().equals("201")) {
                first201++;
                latencies.add((first.answeredNanos() - first.sentNanos()) / 1_000_000);
            }
        }
        latencies.sort(null);
        long fast = latencies.stream().filter(ms -> ms <= KAFKA_DOWN_FAST.toMillis()).count();
        long slowest = latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1);
        v.notes.add(String.format("%d creates first sent while Kafka was down: %d answered 201 at the first attempt, "
                + "%d of them within %d ms (median %d ms, slowest %d ms)", sent.size(), first201, fast,
                KAFKA_DOWN_FAST.toMillis(), latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2), slowest));
        if (sent.isEmpty()) {
            v.problems.add("precondition: no create was sent while Kafka was down");
        } else if (first201 < sent.size() || fast * 100 < (long) KAFKA_DOWN_FAST_SHARE * sent.size()
                || slowest > KAFKA_DOWN_SLOWEST.toMillis()) {
            v.problems.add("creates sent while Kafka was down were not all answered 201 at once: " + first201 + " of "
                    + sent.size() + " got 201 at the first attempt, " + fast + " within " + KAFKA_DOWN_FAST.toMillis()
                    + " ms (" + KAFKA_DOWN_FAST_SHARE + "% required), slowest " + slowest + " ms (at most "
                    + KAFKA_DOWN_SLOWEST.toMillis() + " ms)");
        }
    }

    /** The keys (instance guids) of the rows in the gateway's outbox: written with each create, deleted once sent. */
    private static Set<String> outboxRows(Stack stack) throws java.sql.SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = stack.postgres.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT message_key FROM outbox")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    @Test
    @Order(3)
    void scenario3_postgresStopped() throws IOException {
        scenario(3, "PostgreSQL stopped 10 s", (stack, v) -> {
            int n = scaled(300);
            List<Op> ops = ops(stack, "s3", n, 0, 3_000);
            // A spike of concurrent creates as the database dies, so that transactions are cut mid-way.
            List<Op> spikeOps = ops(stack, "s3-spike", scaled(150), 0, 3_000);
            Load load = load(stack, ops, 10).start();
            load.sleepUntil(7.5);
            Load spike = load(stack, spikeOps, 150).start();
            Procs.sleep(Duration.ofMillis(500));
            long downNanos = System.nanoTime();
            stack.postgres.stopImmediate();
            double down = load.elapsed();
            load.sleepUntil(down + 10);
            double up = load.elapsed();
            stack.postgres.start();
            long upNanos = System.nanoTime();
            v.notes.add(String.format("PostgreSQL stopped (pg_ctl -m immediate, a crash) %.1f s into the load, in a "
                    + "spike of %d more creates (150/s, up to 32 at once, from 0.5 s before); started again %.1f s later "
                    + "(accepting connections after %.1f s more)", down, spikeOps.size(), up - down, load.elapsed() - up));
            List<Op> all = new ArrayList<>(ops);
            all.addAll(spikeOps);
            settleAndVerify(stack, all, List.of(load, spike), v, Duration.ofSeconds(180));
            String context = "while PostgreSQL was down (DESIGN §7: the API answers 503 with the CF error envelope)";
            unexpectedAnswers(load, v, Set.of("503 CF-", "no answer"), context);
            unexpectedAnswers(spike, v, Set.of("503 CF-", "no answer"), context);
            refusalsOnlyWhileDown(all, downNanos, upNanos, v);
        });
    }

    /**
     * How long after PostgreSQL accepts connections again a create may still be refused: the gateway's pool finds its
     * dead connections on their next use and opens new ones (its connection timeout is 2 s).
     */
    private static final Duration POSTGRES_RECOVERY = Duration.ofSeconds(5);

    /** A 503 or a cut connection is allowed only for an attempt that overlapped the outage (plus the pool's recovery). */
    private static void refusalsOnlyWhileDown(List<Op> ops, long downNanos, long upNanos, Verdict v) {
        long until = upNanos + POSTGRES_RECOVERY.toNanos();
        List<String> outside = new ArrayList<>();
        int refused = 0;
        long latest = Long.MIN_VALUE;
        for (Op op : ops) {
            for (Op.Attempt a : List.copyOf(op.answers)) {
                if (a.answer().equals("201") || a.answer().equals("400 CF-ServiceInstanceNameTaken")) {
                    continue;
                }
                refused++;
                latest = Math.max(latest, a.sentNanos() - upNanos);
                if (a.answeredNanos() < downNanos || a.sentNanos() > until) {
                    outside.add(String.format("%s: %s sent %+.1f s from the stop, answered %+.1f s", op.name, a.answer(),
                            (a.sentNanos() - downNanos) / 1e9, (a.answeredNanos() - downNanos) / 1e9));
                }
            }
        }
        v.notes.add(String.format("%d refused attempts (503 or no answer); the last one sent %s", refused,
                refused == 0 ? "-" : String.format("%+.1f s from PostgreSQL accepting connections again", latest / 1e9)));
        if (!outside.isEmpty()) {
            v.problems.add(outside.size() + " create attempt(s) refused outside the outage (from the stop until "
                    + POSTGRES_RECOVERY.toSeconds() + " s after the start): " + outside.subList(0,
                            Math.min(5, outside.size())));
        }
    }

    @Test
    @Order(4)
    void scenario4_killGatewayWithUnsentOutbox() throws IOException {
        scenario(4, "kill -9 gateway with unsent outbox rows", (stack, v) -> {
            int n = scaled(400);
            List<Op> ops = ops(stack, "s4", n, 0, 3_000);
            // The gateway is killed: its relay may send a row again that the dead one had sent but not yet deleted.
            v.absorbedRetriesAllowed = true;
            Load load = load(stack, ops, 40).start();
            load.sleepUntil(4);
            // Freeze Kafka so the relay cannot get the rows written from now on out of the outbox.
            stack.kafka.freeze();
            double frozen = load.elapsed();
            load.sleepUntil(6.5);
            int acceptedAtKill = load.accepted();
            stack.gateway.kill9();
            double killed = load.elapsed();
            List<String> unsent = new ArrayList<>();
            try (Connection c = stack.postgres.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT message_key FROM outbox WHERE topic = '" + Topics.REQUESTS
                            + "'")) {
                while (rs.next()) {
                    unsent.add(rs.getString(1));
                }
            }
            stack.kafka.thaw();
            long restart = System.nanoTime();
            stack.gateway.start(Duration.ofSeconds(120));
            v.notes.add(String.format("Kafka frozen (SIGSTOP) at %.1f s; gateway killed (SIGKILL) at %.1f s with %d creates"
                    + " answered 201, %d of them with their outbox row (%s) still unsent; Kafka thawed; gateway "
                    + "restarted, ready in %.1f s", frozen, killed, acceptedAtKill, unsent.size(), Topics.REQUESTS,
                    Procs.seconds(restart)));
            if (unsent.isEmpty()) {
                v.problems.add("precondition: no unsent outbox rows at the kill");
            }
            Map<String, GatewayClient.Instance> all = settleAndVerify(stack, ops, load, v, Duration.ofSeconds(180));
            Set<String> answered = ops.stream().filter(o -> o.acceptance == Op.Acceptance.CREATED).map(o -> o.guid)
                    .collect(Collectors.toSet());
            long unsentAnswered = unsent.stream().filter(answered::contains).count();
            long unsentDone = unsent.stream().filter(g -> all.containsKey(g) && "succeeded".equals(all.get(g).state()))
                    .count();
            v.notes.add(unsentAnswered + " of the unsent rows belonged to creates the client had a 201 for; "
                    + unsentDone + " of " + unsent.size() + " unsent operations succeeded after the restart");
            unexpectedAnswers(load, v, Set.of("no answer"), "around the gateway kill");
        });
    }

    @Test
    @Order(5)
    void scenario5_duplicatedAndReorderedStatus() throws IOException {
        scenario(5, "duplicated and reordered status events", (stack, v) -> {
            int n = scaled(300);
            List<Op> ops = ops(stack, "s5", n, 10, 3_000);
            try (KafkaTools kafka = new KafkaTools(stack.kafka.bootstrap());
                    StatusReplayer replayer = new StatusReplayer(kafka, Topics.STATUS)) {
                replayer.startReplaying(Duration.ofSeconds(1), 100);
                Load load = load(stack, ops, 30).start();
                if (!load.awaitDone(Duration.ofSeconds(240))) {
                    v.problems.add("the load did not finish within 240 s: some creates never got a final answer");
                }
                if (Verifier.awaitSettled(stack, ops, Duration.ofSeconds(120)) < 0) {
                    v.problems.add("operations still in progress 120 s after the load, before the final replay");
                }
                Procs.sleep(Duration.ofSeconds(2));
                replayer.stopReplaying();
                long during = replayer.injected();
                Map<String, GatewayClient.Instance> before = stack.client.allInstances();
                int last = replayer.replayEverythingBackwards();
                String group = statusGroup(kafka);
                long lag = kafka.awaitCaughtUp(group, Topics.STATUS, Duration.ofSeconds(120));
                Map<String, GatewayClient.Instance> after = stack.client.allInstances();
                int changed = 0;
                for (Map.Entry<String, GatewayClient.Instance> e : before.entrySet()) {
                    if (!e.getValue().equals(after.get(e.getKey()))) {
                        changed++;
                        v.example("a replay changed " + e.getValue() + " into " + after.get(e.getKey()));
                    }
                }
                v.notes.add(replayer.recorded() + " genuine status events recorded; " + during + " copies injected "
                        + "during the load (each event twice, shuffled, plus older ones again every second), then "
                        + last + " more after every operation had ended (all newest-first, then all shuffled)");
                v.notes.add("after the final replay the gateway (group " + group + ") caught up (lag " + lag + "); "
                        + changed + " instance(s) changed by it");
                if (lag != 0) {
                    v.problems.add("the gateway did not consume the replayed events (lag " + lag + ")");
                }
                if (changed > 0) {
                    v.problems.add(changed + " instance(s) changed by replaying old status events");
                }
                settleAndVerify(stack, ops, load, v, Duration.ofSeconds(60));
                unexpectedAnswers(load, v, Set.of(), "(no fault on the request path)");
            }
        });
    }

    private static String statusGroup(KafkaTools kafka) {
        for (Map.Entry<String, Set<String>> e : kafka.groupsAndTopics().entrySet()) {
            if (e.getValue().contains(Topics.STATUS)) {
                return e.getKey();
            }
        }
        return "provisioner-gateway";
    }

    @Test
    @Order(6)
    void scenario6_poisonRecords() throws IOException {
        scenario(6, "poison records on every consumed topic", (stack, v) -> {
            v.deadLettersAllowed = true;
            int n = scaled(300);
            List<Op> ops = ops(stack, "s6", n, 10, 3_000);
            try (KafkaTools kafka = new KafkaTools(stack.kafka.bootstrap())) {
                Map<String, Set<String>> consumers = awaitConsumers(kafka);
                if (consumers == null) {
                    consumers = kafka.groupsAndTopics();
                    v.problems.add("precondition: not every consumed topic had a consumer group after 30 s: "
                            + consumers);
                }
                Set<String> topics = new TreeSet<>();
                consumers.values().forEach(topics::addAll);
                topics.add(Topics.REQUESTS);
                topics.add(Topics.STATUS);
                topics.addAll(Topics.pollTopics());
                topics.removeIf(t -> t.endsWith(Topics.DEAD_LETTER_SUFFIX));
                v.notes.add("consumed topics: " + topics + "; groups " + consumers);

                Load load = load(stack, ops, 30).start();
                List<Poison.Injected> injected = new ArrayList<>();
                for (double at : new double[] {1, 5}) {
                    load.sleepUntil(at);
                    for (String topic : topics) {
                        injected.addAll(Poison.inject(kafka, topic));
                    }
                }
                v.notes.add(injected.size() + " poison records injected (" + Poison.byKind(injected).size() + " kinds × "
                        + "every partition × " + topics.size() + " topics × 2 rounds, 1 s and 5 s into the load): "
                        + Poison.byKind(injected).keySet());
                settleAndVerify(stack, ops, load, v, Duration.ofSeconds(180));
                checkPoison(kafka, injected, v);
                unexpectedAnswers(load, v, Set.of(), "(no fault on the request path)");
            }
        });
    }

    /** The consumer groups of the apps and their topics, once every known consumer has joined; null if not in 30 s. */
    private static Map<String, Set<String>> awaitConsumers(KafkaTools kafka) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Set<String>> groups = kafka.groupsAndTopics();
            Set<String> all = new HashSet<>();
            groups.values().forEach(all::addAll);
            if (all.contains(Topics.REQUESTS) && all.contains(Topics.STATUS) && all.containsAll(Topics.pollTopics())) {
                return groups;
            }
            Procs.sleep(Duration.ofMillis(500));
        }
        return null;
    }

    /** Every poison record must be passed by every group consuming its topic, and be on the dead-letter topic. */
    private static void checkPoison(KafkaTools kafka, List<Poison.Injected> injected, Verdict v) {
        Set<String> topics = injected.stream().map(Poison.Injected::topic).collect(Collectors.toCollection(TreeSet::new));
        // Which groups consume which partitions: every app group with a committed offset there.
        Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Poison.Injected> blocked;
        do {
            committed.clear();
            for (String group : kafka.groupsAndTopics().keySet()) {
                committed.put(group, kafka.committed(group));
            }
            blocked = new ArrayList<>();
            for (Poison.Injected p : injected) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                boolean consumedSomewhere = false;
                boolean passedEverywhere = true;
                for (Map<TopicPartition, Long> offsets : committed.values()) {
                    Long o = offsets.get(tp);
                    if (o != null) {
                        consumedSomewhere = true;
                        passedEverywhere &= o > p.offset();
                    }
                }
                if (!consumedSomewhere || !passedEverywhere) {
                    blocked.add(p);
                }
            }
            if (blocked.isEmpty()) {
                break;
            }
            Procs.sleep(Duration.ofSeconds(1));
        } while (System.nanoTime() < deadline);

        Map<String, Set<String>> deadLettered = new LinkedHashMap<>();
        int withReason = 0;
        int dltRecords = 0;
        for (String topic : topics) {
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : kafka.readAll(topic + Topics.DEAD_LETTER_SUFFIX, Duration.ofSeconds(30))) {
                String id = Poison.idOf(r);
                if (id != null) {
                    dltRecords++;
                    if (ids.add(id) && Poison.hasReason(r.headers())) {
                        withReason++;
                    }
                }
            }
            deadLettered.put(topic, ids);
        }
        int found = deadLettered.values().stream().mapToInt(Set::size).sum();
        v.notes.add(String.format("poison: %d of %d passed by every consuming group; %d dead-lettered on <topic>.dlt "
                + "(%d with a reason header, %d dead-letter records in all)", injected.size() - blocked.size(),
                injected.size(), found, withReason, dltRecords));
        if (!blocked.isEmpty()) {
            v.problems.add(blocked.size() + " poison record(s) not passed by their consumers after 90 s: "
                    + summarize(blocked));
        }
        List<Poison.Injected> missing = injected.stream()
                .filter(p -> !deadLettered.getOrDefault(p.topic(), Set.of()).contains(p.id())).toList();
        if (!missing.isEmpty()) {
            v.problems.add(missing.size() + " poison record(s) not on the dead-letter topic (DESIGN §4): "
                    + summarize(missing));
        }
        if (found > 0 && withReason < found) {
            v.problems.add((found - withReason) + " dead letter(s) without a reason header");
        }
    }

    private static String summarize(List<Poison.Injected> list) {
        Map<String, Map<String, Long>> byTopic = new TreeMap<>();
        for (Poison.Injected p : list) {
            byTopic.computeIfAbsent(p.topic(), k -> new TreeMap<>()).merge(p.kind(), 1L, Long::sum);
        }
        return byTopic.toString();
    }
}
