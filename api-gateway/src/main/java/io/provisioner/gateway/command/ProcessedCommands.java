package io.provisioner.gateway.command;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Commands already answered, by (source, id). A row is written in the transaction of the change or of the
 * rejection, so "applied" and "remembered as applied" cannot part. Rows are kept for
 * {@link CommandSettings#retention()}, longer than the topic keeps records, so no redelivery outlives its row.
 */
@Repository
class ProcessedCommands {

    private static final Logger log = LoggerFactory.getLogger(ProcessedCommands.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final CommandSettings settings;

    ProcessedCommands(JdbcClient jdbc, Clock clock, CommandSettings settings) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
    }

    boolean answered(Command command) {
        return jdbc.sql("SELECT COUNT(*) FROM processed_commands WHERE command_source = ? AND command_id = ?")
                .params(command.source(), command.id()).query(Long.class).single() > 0;
    }

    /** Remembers the answer; a second gateway that answered it meanwhile makes this fail (duplicate key). */
    void remember(Command command, String outcome) {
        jdbc.sql("""
                INSERT INTO processed_commands (command_source, command_id, instance_guid, outcome, processed_at)
                VALUES (?, ?, ?, ?, ?)""")
                .params(command.source(), command.id(), command.guid(), outcome, now()).update();
    }

    @Scheduled(fixedDelayString = "${provisioner.commands.prune-every:1h}", initialDelayString = "${provisioner.commands.prune-every:1h}")
    void prune() {
        int pruned = jdbc.sql("DELETE FROM processed_commands WHERE processed_at < ?")
                .param(now().minus(settings.retention())).update();
        if (pruned > 0) {
            log.info("forgot {} commands answered more than {} ago", pruned, settings.retention());
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
