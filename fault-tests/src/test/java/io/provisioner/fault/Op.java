package io.provisioner.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One create the suite asks for, and what became of it on the client's side. */
final class Op {

    enum Acceptance {
        /** Not answered yet. */
        PENDING,
        /** 201 Created. */
        CREATED,
        /** The answer was lost (connection cut, 5xx), and the retry said the name was taken: found by name. */
        FOUND_BY_NAME,
        /** Never accepted: a final answer other than 201, or retries ran out. */
        REFUSED
    }

    final int index;
    final String name;
    final String planGuid;
    final String brokerPlanId;
    final Map<String, Object> parameters;
    /** "succeeded", or "failed" for the sample broker's failing plan. */
    final String expectedState;
    /** For an expected failure: the broker's failure text, which the operation's description must carry. */
    final String failureText;

    volatile Acceptance acceptance = Acceptance.PENDING;
    volatile String guid;
    volatile String refusal;
    volatile int attempts;
    volatile long firstSentNanos;
    volatile long acceptedNanos;
    /** Every answer this create got, in order. */
    final List<Attempt> answers = Collections.synchronizedList(new ArrayList<>());

    /** One attempt: when it was sent and answered ({@link System#nanoTime()}), and the answer's key. */
    record Attempt(long sentNanos, long answeredNanos, String answer) {
        @Override
        public String toString() {
            return answer;
        }
    }

    Op(int index, String name, String planGuid, String brokerPlanId, Map<String, Object> parameters,
            String expectedState, String failureText) {
        this.index = index;
        this.name = name;
        this.planGuid = planGuid;
        this.brokerPlanId = brokerPlanId;
        this.parameters = parameters;
        this.expectedState = expectedState;
        this.failureText = failureText;
    }

    boolean accepted() {
        Acceptance a = acceptance;
        return a == Acceptance.CREATED || a == Acceptance.FOUND_BY_NAME;
    }

    String body(String spaceGuid) {
        return Http.JSON.writeValueAsString(Map.of("name", name, "space_guid", spaceGuid,
                "service_plan_guid", planGuid, "parameters", parameters));
    }

    @Override
    public String toString() {
        return name + (guid == null ? "" : " (" + guid + ")");
    }
}
