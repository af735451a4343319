package io.provisioner.gateway.serviceinstance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.provisioner.gateway.GatewayTestBase;

/** Old history is forgotten, but never an instance's latest event: the next version counts on it. */
class InstanceHistoryRetentionTest extends GatewayTestBase {

    @Autowired
    private InstanceEvents events;

    private void event(String guid, long version, OffsetDateTime at) {
        jdbc.sql("""
                INSERT INTO instance_events (instance_guid, version, event_type, operation_id, payload, created_at)
                VALUES (?, ?, 'io.provisioner.service-instance.started.v1', 'op', '{}', ?)""")
                .params(guid, version, at).update();
    }

    @Test
    void pruningKeepsRecentEventsAndTheLatestOfEachInstance() {
        OffsetDateTime old = OffsetDateTime.now(ZoneOffset.UTC).minusDays(30);
        String quiet = UUID.randomUUID().toString();
        String busy = UUID.randomUUID().toString();
        event(quiet, 1, old);
        event(quiet, 2, old);
        event(quiet, 3, old);
        event(busy, 1, old);
        event(busy, 2, OffsetDateTime.now(ZoneOffset.UTC));

        events.prune();

        assertThat(jdbc.sql("SELECT version FROM instance_events WHERE instance_guid = ? ORDER BY version")
                .param(quiet).query(Long.class).list()).containsExactly(3L);
        assertThat(jdbc.sql("SELECT version FROM instance_events WHERE instance_guid = ? ORDER BY version")
                .param(busy).query(Long.class).list()).containsExactly(2L);
    }
}
