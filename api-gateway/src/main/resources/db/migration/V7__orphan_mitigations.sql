-- Orphan-mitigation jobs as the worker reports them (topic provisioning.orphan-mitigations): the platform's
-- clean-up at the broker after a create failed in a way that may have left something there. One row per
-- instance (a create happens once). No foreign key: the row outlives the instance (a user's delete
-- supersedes the job), and operators may want to see what happened.
CREATE TABLE orphan_mitigations (
    instance_guid VARCHAR(36)  PRIMARY KEY,
    operation_id  VARCHAR(36)  NOT NULL,
    broker_guid   VARCHAR(36)  NOT NULL,
    broker_name   VARCHAR(255),
    state         VARCHAR(16)  NOT NULL,
    attempts      INTEGER      NOT NULL,
    last_error    TEXT,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    give_up_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The worker's time of the last event applied: an older event (a replay) changes nothing.
    occurred_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX orphan_mitigations_by_state ON orphan_mitigations (state, created_at);
