-- Outbox rows Kafka refused for a reason that will not change (too large for the topic, not
-- serialisable). The relay moves them here, with the reason, so the rows behind them flow on; the
-- operation a row carried is failed in the same transaction. Kept for an operator to inspect.
CREATE TABLE outbox_quarantine (
    id             BIGINT       PRIMARY KEY,
    topic          VARCHAR(255) NOT NULL,
    message_key    VARCHAR(255) NOT NULL,
    payload        TEXT         NOT NULL,
    reason         TEXT         NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    quarantined_at TIMESTAMP WITH TIME ZONE NOT NULL
);
