package io.provisioner.worker.broker;

import io.provisioner.schemas.BrokerEndpoint;

/** Sends OSB calls to brokers. Where the worker meets the outside world, so tests can stand in for it. */
public interface BrokerClient {

    /**
     * Sends the call; transient failures of provision, update and deprovision calls are retried in place.
     *
     * @return the broker's answer, whatever its status (the last one when retries ran out)
     * @throws BrokerUnreachable when no answer came at all
     */
    BrokerAnswer call(BrokerEndpoint broker, OsbCall call) throws BrokerUnreachable;
}
