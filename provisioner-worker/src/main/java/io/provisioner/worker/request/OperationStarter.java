package io.provisioner.worker.request;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.provisioner.schemas.OperationState;
import io.provisioner.schemas.ProvisioningRequested;
import io.provisioner.worker.OperationLogContext;
import io.provisioner.worker.broker.BrokerClient;
import io.provisioner.worker.broker.BrokerUnreachable;
import io.provisioner.worker.broker.OsbCall;
import io.provisioner.worker.broker.OsbCalls;
import io.provisioner.worker.messaging.KafkaSettings;
import io.provisioner.worker.messaging.Sends;
import io.provisioner.worker.polling.PollScheduler;
import io.provisioner.worker.status.StatusChange;
import io.provisioner.worker.status.StatusPublisher;

import org.springframework.stereotype.Component;

/**
 * Carries one requested operation to its broker and publishes the outcome: a final status, or an
 * in-progress status plus the first poll. Returns only when those records are in Kafka.
 */
@Component
class OperationStarter {

    static final String ACCEPTED = "The broker accepted the request and is working on it";

    private final BrokerClient broker;
    private final OsbCalls calls;
    private final UnreachableBroker unreachable;
    private final StatusPublisher status;
    private final PollScheduler polls;
    private final KafkaSettings kafkaSettings;
    private final Supplier<UUID> requestIdentities;

    OperationStarter(BrokerClient broker, OsbCalls calls, UnreachableBroker unreachable, StatusPublisher status,
            PollScheduler polls, KafkaSettings kafkaSettings, Supplier<UUID> requestIdentities) {
        this.broker = broker;
        this.calls = calls;
        this.unreachable = unreachable;
        this.status = status;
        this.polls = polls;
        this.kafkaSettings = kafkaSettings;
        this.requestIdentities = requestIdentities;
    }

    void start(ProvisioningRequested request) {
        OsbCalls.checkComplete(request);
        String requestIdentity = requestIdentities.get().toString();
        try (OperationLogContext context = OperationLogContext.open(request, requestIdentity)) {
            OsbCall call = calls.start(request, requestIdentity);
            RequestOutcome outcome;
            try {
                outcome = RequestOutcome.of(request.operationType(), call, broker.call(request.broker(), call));
            } catch (BrokerUnreachable e) {
                outcome = unreachable.decide(request, e);
            }
            Sends.await(publish(request, outcome, requestIdentity), kafkaSettings.sendTimeout());
        }
    }

    private List<CompletableFuture<?>> publish(ProvisioningRequested request, RequestOutcome outcome,
            String requestIdentity) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        if (outcome instanceof RequestOutcome.Accepted accepted) {
            sends.add(status.publish(request, new StatusChange(OperationState.IN_PROGRESS, ACCEPTED,
                    accepted.dashboardUrl(), accepted.brokerOperation(), 1, requestIdentity)));
            sends.add(polls.first(request, accepted.brokerOperation(), accepted.dashboardUrl(), accepted.retryAfter()));
        } else if (outcome instanceof RequestOutcome.Finished finished) {
            sends.add(status.publish(request, new StatusChange(finished.state(), finished.description(),
                    finished.dashboardUrl(), null, 1, requestIdentity)));
        }
        return sends;
    }
}
