package io.provisioner.gateway.command;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.CommandTokens;
import io.provisioner.gateway.serviceinstance.InstanceChange;
import io.provisioner.gateway.serviceinstance.NewServiceInstance;
import io.provisioner.gateway.serviceinstance.Origin;
import io.provisioner.gateway.serviceinstance.ServiceInstances;
import io.provisioner.gateway.servicekey.NewServiceKey;
import io.provisioner.gateway.servicekey.ServiceKeys;
import io.provisioner.schemas.EventTypes;

/**
 * Carries out a command through the same use cases as the REST API ({@link ServiceInstances},
 * {@link ServiceKeys}), so the same rules apply in the same transaction. The answer a REST caller would get becomes an event: an
 * accepted command's {@code started} (written by the use case), or a {@code rejected} with the Cloud
 * Controller error. Each (source, id) is answered once: the change, or the rejection, and the memory of
 * having answered are one transaction.
 */
@Service
class InstanceCommands {

    private static final Logger log = LoggerFactory.getLogger(InstanceCommands.class);

    private final ServiceInstances instances;
    private final ServiceKeys keys;
    private final CommandTokens tokens;
    private final ProcessedCommands processed;
    private final TransactionTemplate transactions;
    private final JsonMapper json;

    InstanceCommands(ServiceInstances instances, ServiceKeys keys, CommandTokens tokens, ProcessedCommands processed,
            TransactionTemplate transactions, JsonMapper json) {
        this.instances = instances;
        this.keys = keys;
        this.tokens = tokens;
        this.processed = processed;
        this.transactions = transactions;
        this.json = json;
    }

    /** @param appendedAt when the broker appended the command: its token must have been valid then */
    void handle(Command command, Instant appendedAt) {
        if (processed.answered(command)) {
            log.info("{} was answered before; delivered again, it changes nothing", command);
            return;
        }
        Caller caller = null;
        try {
            caller = tokens.writer(command.authorization(), appendedAt);
            Caller asking = caller;
            transactions.executeWithoutResult(tx -> {
                apply(command, asking);
                processed.remember(command, "accepted");
            });
            log.info("{} accepted for {}", command, caller.userId());
        } catch (CfException refusal) {
            Caller asking = caller;
            try {
                transactions.executeWithoutResult(tx -> {
                    processed.remember(command, "rejected");
                    reject(command, asking, refusal);
                });
            } catch (DuplicateKeyException e) {
                log.info("{} was answered meanwhile by another gateway", command);
                return;
            }
            log.info("{} rejected: {} {}", command, refusal.error().errorCode(), refusal.getMessage());
        } catch (DuplicateKeyException e) {
            if (!processed.answered(command)) {
                throw e;
            }
            log.info("{} was answered meanwhile by another gateway", command);
        }
    }

    /** Kafka is asynchronous by nature: every command accepts an incomplete (asynchronous) operation. */
    private void apply(Command command, Caller caller) {
        Origin origin = Origin.command(command.id());
        switch (command.type()) {
            case EventTypes.COMMAND_CREATE -> instances.create(NewServiceInstance.parse(command.data(), json),
                    command.guid(), true, caller, origin);
            case EventTypes.COMMAND_UPDATE -> instances.update(command.guid(),
                    InstanceChange.parse(command.data(), json), true, caller, origin);
            // Not recursive: an instance with service keys is refused (CF-AssociationNotEmpty), as a REST delete without it.
            case EventTypes.COMMAND_DELETE -> instances.delete(command.guid(), true, false, caller, origin);
            case EventTypes.COMMAND_CREATE_KEY -> keys.create(NewServiceKey.parse(command.data(), json), command.guid(),
                    caller, command.id());
            case EventTypes.COMMAND_DELETE_KEY -> keys.delete(command.guid(), caller, command.id());
            default -> throw new IllegalStateException("not a command type: " + command.type());
        }
    }

    /** The refusal as a {@code rejected} event of the instance, or of the key for a key command. */
    private void reject(Command command, Caller caller, CfException refusal) {
        if (command.aboutKey()) {
            keys.reject(command.guid(), namedInstance(command), command.id(), caller, refusal);
        } else {
            instances.reject(command.guid(), command.id(), caller, refusal);
        }
    }

    /** The instance a key command names: a create's {@code service_instance_guid}, else the record key. */
    private String namedInstance(Command command) {
        if (command.type().equals(EventTypes.COMMAND_CREATE_KEY)) {
            try {
                return NewServiceKey.parse(command.data(), json).instanceGuid();
            } catch (CfException unreadable) {
                return command.recordKey();
            }
        }
        return command.recordKey();
    }
}
