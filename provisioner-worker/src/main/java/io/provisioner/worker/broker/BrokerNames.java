package io.provisioner.worker.broker;

import io.provisioner.schemas.BrokerEndpoint;

/** How a broker is named in metrics and resilience instances: its guid, which never changes. */
final class BrokerNames {

    private BrokerNames() {
    }

    static String of(BrokerEndpoint broker) {
        return broker.guid() != null ? broker.guid() : broker.url();
    }
}
