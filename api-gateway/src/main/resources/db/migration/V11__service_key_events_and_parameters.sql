-- Service keys on the public stream: every change of a key takes the next version of that key (1 for its
-- create's started), kept here so the public events of a key count up as an instance's do.
ALTER TABLE service_keys ADD COLUMN event_version BIGINT NOT NULL DEFAULT 0;

-- Whether the service's broker answers GET /v2/service_instances/:id/service_bindings/:binding_id (its catalog
-- says bindings_retrievable): GET /v2/service_keys/:guid/parameters asks it only then, as Cloud Controller does.
ALTER TABLE services ADD COLUMN bindings_retrievable BOOLEAN NOT NULL DEFAULT FALSE;
