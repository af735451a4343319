package io.provisioner.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Creates the operations over REST at a steady rate, as callers who want eventual completion would: an answer
 * that never came (connection refused or cut, timeout) or a 5xx is retried with the same name after a short
 * pause; a retry that finds the name taken means the earlier attempt was accepted, and the instance is looked
 * up by name. Every answer status is counted.
 */
final class Load {

    /** The answer to a retry whose earlier attempt was accepted after all: expected, and how such creates are found. */
    static final String RETRY_NAME_TAKEN = "400 CF-ServiceInstanceNameTaken on a retry";

    private final GatewayClient client;
    private final String spaceGuid;
    private final List<Op> ops;
    private final double ratePerSecond;
    private final Semaphore inFlight;
    private final Duration retryFor;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "fault-load");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch done;
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();
    private final AtomicInteger acceptedCount = new AtomicInteger();
    private final LongAdder retries = new LongAdder();
    private volatile long startNanos;
    private volatile long lastAcceptedNanos;
    private volatile Thread issuer;

    Load(GatewayClient client, String spaceGuid, List<Op> ops, double ratePerSecond, int maxInFlight,
            Duration retryFor) {
        this.client = client;
        this.spaceGuid = spaceGuid;
        this.ops = ops;
        this.ratePerSecond = ratePerSecond;
        this.inFlight = new Semaphore(maxInFlight);
        this.retryFor = retryFor;
        this.done = new CountDownLatch(ops.size());
    }

    /** Starts issuing in the background; returns at once. */
    Load start() {
        startNanos = System.nanoTime();
        issuer = new Thread(this::issueAll, "fault-load-issuer");
        issuer.setDaemon(true);
        issuer.start();
        return this;
    }

    long startNanos() {
        return startNanos;
    }

    /** Seconds since the load started. */
    double elapsed() {
        return Procs.seconds(startNanos);
    }

    void sleepUntil(double secondsAfterStart) {
        long target = startNanos + (long) (secondsAfterStart * 1e9);
        Procs.sleep(Duration.ofNanos(Math.max(0, target - System.nanoTime())));
    }

    int accepted() {
        return acceptedCount.get();
    }

    /** Waits until at least {@code count} creates were accepted; false when the time ran out first. */
    boolean awaitAccepted(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acceptedCount.get() < count) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Procs.sleep(Duration.ofMillis(20));
        }
        return true;
    }

    /** Waits until every op is accepted or refused. */
    boolean awaitDone(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void close() {
        scheduler.shutdownNow();
    }

    private void issueAll() {
        long intervalNanos = (long) (1e9 / ratePerSecond);
        for (int i = 0; i < ops.size(); i++) {
            long due = startNanos + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Procs.sleep(Duration.ofNanos(wait));
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            send(ops.get(i));
        }
    }

    private void send(Op op) {
        op.attempts++;
        long sent = System.nanoTime();
        if (op.firstSentNanos == 0) {
            op.firstSentNanos = sent;
        }
        client.sendAsync("POST", "/v2/service_instances?accepts_incomplete=true", op.body(spaceGuid))
                .whenComplete((answer, error) -> {
                    inFlight.release();
                    if (error != null) {
                        String key = "no answer (" + rootName(error) + ")";
                        op.answers.add(new Op.Attempt(sent, System.nanoTime(), key));
                        count(key, String.valueOf(error));
                        retryOrRefuse(op, "no answer: " + error);
                    } else {
                        handle(op, answer, sent);
                    }
                });
    }

    private void handle(Op op, Http.Answer answer, long sent) {
        String key = answer.status() == 201 ? "201" : answer.status() + " " + (answer.errorCode() == null
                ? "(no CF error envelope)" : answer.errorCode());
        boolean nameTakenOnRetry = answer.status() == 400 && "CF-ServiceInstanceNameTaken".equals(answer.errorCode())
                && op.attempts > 1;
        count(nameTakenOnRetry ? RETRY_NAME_TAKEN : key, answer.toString());
        op.answers.add(new Op.Attempt(sent, System.nanoTime(), key));
        if (answer.status() == 201) {
            op.guid = answer.json().at("/metadata/guid").asString();
            String state = answer.json().at("/entity/last_operation/state").asString();
            if (!"in progress".equals(state)) {
                count("201 with state '" + state + "'", answer.toString());
            }
            accept(op, Op.Acceptance.CREATED);
        } else if (nameTakenOnRetry) {
            scheduler.execute(() -> findByName(op));
        } else if (answer.status() >= 500 || answer.status() == 429) {
            retryOrRefuse(op, answer.toString());
        } else {
            refuse(op, answer.toString());
        }
    }

    private void findByName(Op op) {
        try {
            String guid = client.guidByName(op.name);
            if (guid == null) {
                // Name taken but not found: should not happen; try the create again.
                retryOrRefuse(op, "name taken, but no instance has that name");
                return;
            }
            op.guid = guid;
            accept(op, Op.Acceptance.FOUND_BY_NAME);
        } catch (IOException | RuntimeException e) {
            if (withinRetryWindow(op)) {
                retries.increment();
                scheduler.schedule(() -> findByName(op), 1000, TimeUnit.MILLISECONDS);
            } else {
                refuse(op, "cannot look up by name: " + e);
            }
        }
    }

    private boolean withinRetryWindow(Op op) {
        return System.nanoTime() - op.firstSentNanos < retryFor.toNanos();
    }

    private void retryOrRefuse(Op op, String why) {
        if (withinRetryWindow(op)) {
            retries.increment();
            long backoff = Math.min(4000, 250L << Math.min(4, op.attempts - 1));
            scheduler.schedule(() -> {
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                send(op);
            }, backoff, TimeUnit.MILLISECONDS);
        } else {
            refuse(op, "gave up after " + op.attempts + " attempts: " + why);
        }
    }

    private void accept(Op op, Op.Acceptance how) {
        op.acceptedNanos = System.nanoTime();
        lastAcceptedNanos = op.acceptedNanos;
        op.acceptance = how;
        acceptedCount.incrementAndGet();
        done.countDown();
    }

    private void refuse(Op op, String why) {
        op.refusal = why;
        op.acceptance = Op.Acceptance.REFUSED;
        done.countDown();
    }

    private void count(String what, String example) {
        answers.computeIfAbsent(what, k -> new LongAdder()).increment();
        examples.putIfAbsent(what, example);
    }

    /** The first answer seen under {@code key} (status and body), for reports. */
    String example(String key) {
        return examples.get(key);
    }

    private static String rootName(Throwable error) {
        Throwable root = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /** E.g. {@code 201×990, 503×12, no answer (ConnectException)×3}; and retries. */
    String summary() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(answers).forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append("×").append(v.sum()));
        List<Op> found = ops.stream().filter(o -> o.acceptance == Op.Acceptance.FOUND_BY_NAME).toList();
        String foundText = found.stream().limit(5).map(o -> o.name + " " + o.answers)
                .collect(java.util.stream.Collectors.joining(", "));
        return "answers " + s + "; " + retries.sum() + " client retries" + (found.isEmpty() ? ""
                : "; " + found.size() + " create(s) accepted although the client got no 201 for them, found by name when "
                        + "a retry said the name was taken: " + foundText + (found.size() > 5 ? ", …" : ""))
                + "; load took " + String.format("%.1f", (lastAcceptedNanos - startNanos) / 1e9) + " s";
    }

    Map<String, Long> answerCounts() {
        Map<String, Long> copy = new TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
