-- Parameters are secrets (callers put passwords and tokens in them). The gateway no longer keeps them:
-- the request event carries them sealed with the platform key, and GET .../parameters asks the broker,
-- as Cloud Controller does. The copies kept in clear so far, current and pending, go with their columns.
UPDATE service_instances SET parameters = NULL, pending_parameters = NULL;
ALTER TABLE service_instances DROP COLUMN parameters;
ALTER TABLE service_instances DROP COLUMN pending_parameters;
