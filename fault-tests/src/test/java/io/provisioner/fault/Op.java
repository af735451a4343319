package io.provisioner.fault;

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

    volatile Acceptance acceptance = Acceptance.PENDING;
    volatile String guid;
    volatile String refusal;
    volatile int attempts;
    volatile long firstSentNanos;
    volatile long acceptedNanos;
    /** Every answer this create got, in order (e.g. {@code 503 CF-ServiceUnavailable}, {@code 201}). */
    final java.util.List<String> answers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    Op(int index, String name, String planGuid, String brokerPlanId, Map<String, Object> parameters,
            String expectedState) {
        this.index = index;
        this.name = name;
        this.planGuid = planGuid;
        this.brokerPlanId = brokerPlanId;
        this.parameters = parameters;
        this.expectedState = expectedState;
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
