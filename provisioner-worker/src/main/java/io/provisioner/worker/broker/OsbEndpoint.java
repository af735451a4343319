package io.provisioner.worker.broker;

/** The broker endpoints the worker calls, named as they appear in metrics. */
public enum OsbEndpoint {
    PROVISION("provision", true),
    UPDATE("update", true),
    DEPROVISION("deprovision", true),
    /** Not retried in place: the poll schedule is its retry (one retry layer per failure kind). */
    LAST_OPERATION("last_operation", false),
    /**
     * The DELETE of orphan mitigation. Not retried in place either: its durable backoff (Kafka delay
     * tiers) is its only retry layer.
     */
    ORPHAN_MITIGATION("orphan_mitigation", false),
    BIND("bind", true),
    UNBIND("unbind", true),
    /** Not retried in place: the poll schedule is its retry. */
    BINDING_LAST_OPERATION("binding_last_operation", false),
    /** The GET of a binding whose asynchronous bind succeeded: its answer carries the credentials. */
    FETCH_BINDING("fetch_binding", false);

    private final String tag;
    private final boolean retriedInPlace;

    OsbEndpoint(String tag, boolean retriedInPlace) {
        this.tag = tag;
        this.retriedInPlace = retriedInPlace;
    }

    public String tag() {
        return tag;
    }

    boolean retriedInPlace() {
        return retriedInPlace;
    }

    /** Answers of this endpoint may carry credentials: never quote their bodies in descriptions or logs. */
    public boolean answersWithCredentials() {
        return this == BIND || this == FETCH_BINDING;
    }
}
