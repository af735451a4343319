package io.provisioner.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.provisioner.gateway.GatewayTestBase;

/** Answered commands are remembered for the retention (8 days by default), then forgotten. */
class ProcessedCommandsRetentionTest extends GatewayTestBase {

    @Autowired
    private ProcessedCommands processed;

    @Test
    void commandsAnsweredLongerAgoThanTheRetentionAreForgotten() {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (var row : java.util.List.of(java.util.Map.entry(old, now.minusDays(9)),
                java.util.Map.entry(recent, now.minusDays(7)))) {
            jdbc.sql("""
                    INSERT INTO processed_commands (command_source, command_id, instance_guid, outcome, processed_at)
                    VALUES ('/test', ?, 'guid', 'accepted', ?)""").params(row.getKey(), row.getValue()).update();
        }

        processed.prune();

        assertThat(processed.answered(new Command("/test", old, "t", "guid", null, null, null))).isFalse();
        assertThat(processed.answered(new Command("/test", recent, "t", "guid", null, null, null))).isTrue();
    }
}
