-- The public lifecycle of each instance (service-instance.events), kept so that the server-sent event
-- stream can resume from Last-Event-ID and so that each change gets the next version. The same payload
-- goes to the outbox in the same transaction. No foreign key: the history outlives the instance (its
-- last event is "deleted"). Pruned after provisioner.commands.retention, like processed commands.
CREATE TABLE instance_events (
    instance_guid VARCHAR(36)  NOT NULL,
    version       BIGINT       NOT NULL,
    event_type    VARCHAR(128) NOT NULL,
    operation_id  VARCHAR(36),
    payload       TEXT         NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (instance_guid, version)
);

CREATE INDEX instance_events_by_age ON instance_events (created_at);

-- Commands from service-instance.commands already answered, by (source, id): a command delivered again
-- (a producer's retry, a replay after a crash) changes nothing and is answered once. Written in the
-- transaction of the change or of the rejection. Kept for provisioner.commands.retention (default 8 days,
-- above Kafka's default 7-day retention, so no redelivery can outlive its row).
CREATE TABLE processed_commands (
    command_source VARCHAR(255) NOT NULL,
    command_id     VARCHAR(255) NOT NULL,
    instance_guid  VARCHAR(36)  NOT NULL,
    outcome        VARCHAR(16)  NOT NULL,
    processed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (command_source, command_id)
);

CREATE INDEX processed_commands_by_age ON processed_commands (processed_at);
