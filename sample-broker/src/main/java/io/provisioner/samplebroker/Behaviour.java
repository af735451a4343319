package io.provisioner.samplebroker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

import tools.jackson.databind.json.JsonMapper;

/**
 * What the broker does for one request: the plan's configured behaviour, overridden by the
 * {@code sample_broker} object in the request parameters so tests can reproduce cases without new plans
 * (README.md lists every key).
 *
 * @param failFirstCalls with {@code failStatus}: only this many calls fail, later ones behave normally;
 *                       null means every call fails
 * @param answerDelayMs how long the broker takes to answer, after it did the work (slow answers, timeouts)
 * @param neverFinish the asynchronous operation stays {@code in progress} for ever
 * @param respond replaces the answer (status and raw body) after the work was done as usual
 * @param retryAfter {@code Retry-After} sent with 202 answers and in-progress polls: a value sent as it
 *                   is, or {@code http-date:N} for an HTTP date N seconds ahead
 * @param pollScript the first polls of {@code last_operation} answer these, in order
 * @param deprovision how a DELETE of the instance behaves; null: like the plan
 */
record Behaviour(Mode mode, long delayMs, Integer failStatus, String failError, String failDescription,
        String operation, Integer failFirstCalls, long answerDelayMs, boolean neverFinish, Reply respond,
        String retryAfter, List<Reply> pollScript, Behaviour deprovision) {

    static final String OVERRIDE_KEY = "sample_broker";

    /** Long enough to be "never" for any test or run, short enough not to overflow an Instant. */
    private static final long NEVER_MS = 100L * 365 * 24 * 3600 * 1000;

    static Behaviour plain(Mode mode, long delayMs, String failDescription) {
        return new Behaviour(mode, delayMs, null, null, failDescription, null, null, 0, false, null, null, List.of(),
                null);
    }

    static Behaviour resolve(SampleBrokerProperties.Plan plan, Map<String, Object> parameters) {
        Object raw = parameters == null ? null : parameters.get(OVERRIDE_KEY);
        Behaviour defaults = plain(plan.mode(), plan.delayMs(), plan.failDescription());
        if (raw == null) {
            return defaults;
        }
        return parse(raw, OVERRIDE_KEY, defaults, true);
    }

    private static Behaviour parse(Object raw, String where, Behaviour defaults, boolean nested) {
        if (!(raw instanceof Map<?, ?> override)) {
            throw badOverride(where + " must be an object");
        }
        Mode mode = defaults.mode();
        Object modeValue = override.get("mode");
        if (modeValue != null) {
            try {
                mode = Mode.parse(String.valueOf(modeValue));
            } catch (IllegalArgumentException e) {
                throw badOverride(where + ".mode must be one of sync, async, fail; was '" + modeValue + "'");
            }
        }
        long delayMs = number(override, "delay_ms", where, 0, Long.MAX_VALUE, defaults.delayMs());
        Integer failStatus = override.get("fail_status") == null ? null
                : (int) number(override, "fail_status", where, 400, 599, 0);
        Integer failFirstCalls = override.get("fail_first_calls") == null ? null
                : (int) number(override, "fail_first_calls", where, 1, Integer.MAX_VALUE, 0);
        String failDescription = text(override, "fail_description");
        boolean neverFinish = Boolean.TRUE.equals(override.get("never_finish"));
        List<Reply> pollScript = new ArrayList<>();
        Object script = override.get("poll_script");
        if (script != null) {
            if (!(script instanceof List<?> answers)) {
                throw badOverride(where + ".poll_script must be a list of answers");
            }
            answers.forEach(answer -> pollScript.add(reply(answer, where + ".poll_script[]")));
        }
        String operation = text(override, "operation") != null ? text(override, "operation") : defaults.operation();
        String retryAfter = text(override, "retry_after") != null ? text(override, "retry_after") : defaults.retryAfter();
        failDescription = failDescription != null ? failDescription : defaults.failDescription();
        Behaviour deprovision = null;
        if (nested) {
            // A delete takes the plain delay even when the instance's own operation never finishes.
            Behaviour inherited = inherited(mode, delayMs, failDescription, operation, retryAfter);
            deprovision = override.get("deprovision") == null ? inherited
                    : parse(override.get("deprovision"), where + ".deprovision", inherited, false);
        }
        return new Behaviour(mode, neverFinish ? NEVER_MS : delayMs, failStatus, text(override, "fail_error"),
                failDescription, operation, failFirstCalls, number(override, "answer_delay_ms", where, 0, 600_000, 0),
                neverFinish, override.get("respond") == null ? null : reply(override.get("respond"), where + ".respond"),
                retryAfter, List.copyOf(pollScript), deprovision);
    }

    /** What a DELETE inherits from the instance's behaviour: never its failures or scripted answers. */
    private static Behaviour inherited(Mode mode, long delayMs, String failDescription, String operation,
            String retryAfter) {
        return new Behaviour(mode, delayMs, null, null, failDescription, operation, null, 0, false, null, retryAfter,
                List.of(), null);
    }

    /** True when the request with this (1-based) count must answer {@code failStatus}. */
    boolean failsCall(int count) {
        return failStatus != null && (failFirstCalls == null || count <= failFirstCalls);
    }

    /** The error the PUT/PATCH/DELETE itself answers when {@code fail_status} is set. */
    BrokerException requestFailure() {
        return new BrokerException(HttpStatus.valueOf(failStatus),
                failError != null ? failError : "SampleBrokerFailure",
                failDescription != null ? failDescription : "The sample broker was told to fail this request.");
    }

    /** The operation id to return: the override's, else a generated one. */
    String operationId(String kind) {
        return operation != null ? operation : kind + "-" + java.util.UUID.randomUUID();
    }

    /** How a DELETE behaves: the {@code deprovision} override, else this behaviour's mode and delay. */
    Behaviour forDeprovision() {
        return deprovision != null ? deprovision : inherited(mode, delayMs, failDescription, operation, retryAfter);
    }

    /**
     * Sends what a step decided the way this behaviour says: late ({@code answer_delay_ms}), as the
     * configured failure, with {@code Retry-After} on a 202, or replaced by a configured raw reply.
     */
    BrokerAnswer deliver(BrokerAnswer answer, BrokerException failure, java.time.Clock clock) {
        answerLate();
        if (failure != null) {
            throw failure;
        }
        java.time.Instant now = clock.instant();
        BrokerAnswer sent = answer;
        if (sent.status() == HttpStatus.ACCEPTED) {
            sent = sent.retryingAfter(Reply.retryAfter(retryAfter, now));
        }
        return sent.replacedBy(respond == null ? null : respond.at(now));
    }

    /** Sleeps for {@code answer_delay_ms}: the broker is slow to answer, not slow to work. */
    void answerLate() {
        if (answerDelayMs <= 0) {
            return;
        }
        try {
            Thread.sleep(answerDelayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Reply reply(Object raw, String where) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw badOverride(where + " must be an object like {\"status\": 202, \"body\": \"...\"}");
        }
        int status = (int) number(map, "status", where, 100, 599, 200);
        Object body = map.get("body");
        String text = body == null ? "" : body instanceof String string ? string
                : JsonMapper.shared().writeValueAsString(body);
        String contentType = text(map, "content_type");
        return new Reply(status, text, contentType != null ? contentType : "application/json",
                text(map, "retry_after"));
    }

    private static long number(Map<?, ?> override, String key, String where, long min, long max, long otherwise) {
        Object value = override.get(key);
        if (value == null) {
            return otherwise;
        }
        if (!(value instanceof Number number) || number.longValue() < min || number.longValue() > max) {
            throw badOverride(where + "." + key + " must be a number from " + min + " to " + max + "; was '" + value + "'");
        }
        return number.longValue();
    }

    private static String text(Map<?, ?> override, String key) {
        Object value = override.get(key);
        return value == null ? null : String.valueOf(value);
    }

    private static BrokerException badOverride(String description) {
        return BrokerException.badRequest("Invalid parameters." + description);
    }
}
