-- The W3C traceparent of the request that wrote the row: the relay sends the event in that trace, so one
-- trace runs from the API call through Kafka and the worker to the broker. Null outside a trace.
ALTER TABLE outbox ADD COLUMN traceparent VARCHAR(128);
