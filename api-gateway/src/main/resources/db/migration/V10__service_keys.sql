-- Service keys: service bindings without an app, made at the broker for a caller who wants credentials.
-- Like instances, a key carries its last operation (create = bind, delete = unbind), applied forward only
-- from the worker's status events. The credentials are kept only sealed with the platform key (AES-256-GCM,
-- as the worker sealed them); they are opened only to answer a caller allowed to read them.
-- A key goes with its instance: a purge or a succeeded delete of the instance removes its keys.
CREATE TABLE service_keys (
    guid                  VARCHAR(36)   PRIMARY KEY,
    name                  VARCHAR(255)  NOT NULL,
    service_instance_guid VARCHAR(36)   NOT NULL REFERENCES service_instances (guid) ON DELETE CASCADE,
    sealed_credentials    TEXT,
    operation_id          VARCHAR(36)   NOT NULL,
    operation_type        VARCHAR(16)   NOT NULL,
    operation_state       VARCHAR(16)   NOT NULL,
    operation_description TEXT,
    operation_sequence    BIGINT        NOT NULL,
    operation_created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    operation_updated_at  TIMESTAMP WITH TIME ZONE,
    operation_deadline    TIMESTAMP WITH TIME ZONE,
    broker_operation      TEXT,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE,
    CONSTRAINT service_keys_name_unique UNIQUE (service_instance_guid, name)
);

CREATE INDEX service_keys_by_state ON service_keys (operation_state, operation_deadline);

-- A recursive delete of an instance unbinds its keys first: its deprovision request waits here (the event
-- as the outbox will carry it) until the last key is gone, then moves to the outbox in that transaction.
CREATE TABLE instance_deletes_after_unbind (
    service_instance_guid VARCHAR(36)  PRIMARY KEY REFERENCES service_instances (guid) ON DELETE CASCADE,
    operation_id          VARCHAR(36)  NOT NULL,
    payload               TEXT         NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL
);
