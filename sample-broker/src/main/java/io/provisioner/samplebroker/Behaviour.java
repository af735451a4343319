package io.provisioner.samplebroker;

import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * What the broker does for one request: the plan's configured behaviour, overridden by the
 * {@code sample_broker} object in the request parameters so tests can reproduce cases without new plans.
 */
record Behaviour(Mode mode, long delayMs, Integer failStatus, String failError, String failDescription,
        String operation) {

    static final String OVERRIDE_KEY = "sample_broker";

    static Behaviour resolve(SampleBrokerProperties.Plan plan, Map<String, Object> parameters) {
        Object raw = parameters == null ? null : parameters.get(OVERRIDE_KEY);
        if (raw == null) {
            return new Behaviour(plan.mode(), plan.delayMs(), null, null, plan.failDescription(), null);
        }
        if (!(raw instanceof Map<?, ?> override)) {
            throw badOverride("parameters." + OVERRIDE_KEY + " must be an object");
        }
        Mode mode = plan.mode();
        Object modeValue = override.get("mode");
        if (modeValue != null) {
            try {
                mode = Mode.parse(String.valueOf(modeValue));
            } catch (IllegalArgumentException e) {
                throw badOverride("mode must be one of sync, async, fail; was '" + modeValue + "'");
            }
        }
        long delayMs = plan.delayMs();
        Object delayValue = override.get("delay_ms");
        if (delayValue != null) {
            if (!(delayValue instanceof Number number) || number.longValue() < 0) {
                throw badOverride("delay_ms must be a number >= 0; was '" + delayValue + "'");
            }
            delayMs = number.longValue();
        }
        Integer failStatus = null;
        Object statusValue = override.get("fail_status");
        if (statusValue != null) {
            if (!(statusValue instanceof Number number) || number.intValue() < 400 || number.intValue() > 599) {
                throw badOverride("fail_status must be an HTTP status from 400 to 599; was '" + statusValue + "'");
            }
            failStatus = number.intValue();
        }
        String failDescription = text(override, "fail_description");
        return new Behaviour(mode, delayMs, failStatus, text(override, "fail_error"),
                failDescription != null ? failDescription : plan.failDescription(), text(override, "operation"));
    }

    /** The error the PUT/PATCH itself answers when {@code fail_status} is set. */
    BrokerException requestFailure() {
        return new BrokerException(HttpStatus.valueOf(failStatus),
                failError != null ? failError : "SampleBrokerFailure",
                failDescription != null ? failDescription : "The sample broker was told to fail this request.");
    }

    /** The operation id to return: the override's, else a generated one. */
    String operationId(String kind) {
        return operation != null ? operation : kind + "-" + java.util.UUID.randomUUID();
    }

    private static String text(Map<?, ?> override, String key) {
        Object value = override.get(key);
        return value == null ? null : String.valueOf(value);
    }

    private static BrokerException badOverride(String description) {
        return BrokerException.badRequest("Invalid parameters." + OVERRIDE_KEY + ": " + description);
    }
}
