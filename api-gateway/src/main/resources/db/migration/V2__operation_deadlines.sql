-- When the current operation must have ended: the plan's maximum_polling_duration, else the configured
-- default. The reconciler fails operations still in progress well past it (their events were lost).
ALTER TABLE service_instances ADD COLUMN operation_deadline TIMESTAMP WITH TIME ZONE;
UPDATE service_instances SET operation_deadline = operation_created_at + INTERVAL '1' DAY;
ALTER TABLE service_instances ALTER COLUMN operation_deadline SET NOT NULL;
CREATE INDEX service_instances_overdue ON service_instances (operation_state, operation_deadline);
