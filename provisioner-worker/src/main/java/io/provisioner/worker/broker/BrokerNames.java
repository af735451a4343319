package io.provisioner.worker.broker;

import io.provisioner.schemas.BrokerEndpoint;

/**
 * How a broker is named in resilience instances and their metrics: its guid, which never changes, so a
 * renamed broker keeps its circuit. Operators know brokers by name: {@link #label} gives that for the
 * metrics of operations, and {@code provisioner_broker_info} joins the two.
 */
public final class BrokerNames {

    private BrokerNames() {
    }

    static String of(BrokerEndpoint broker) {
        return broker.guid() != null ? broker.guid() : broker.url();
    }

    /** The broker's registered name (unique among brokers), as operations' metrics carry it. */
    public static String label(BrokerEndpoint broker) {
        return broker.name() != null && !broker.name().isBlank() ? broker.name() : of(broker);
    }
}
