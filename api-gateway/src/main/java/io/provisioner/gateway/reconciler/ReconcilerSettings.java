package io.provisioner.gateway.reconciler;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param grace how long past its deadline an operation may stay in progress before the reconciler
 *              decides its events were lost (the worker reports the deadline itself when it is alive)
 * @param every how often the reconciler looks
 * @param batchSize operations resolved per round
 * @param stuckOutboxAge an unsent outbox row older than this is reported as stuck
 */
@ConfigurationProperties("provisioner.reconciler")
record ReconcilerSettings(
        @DefaultValue("10m") Duration grace,
        @DefaultValue("30s") Duration every,
        @DefaultValue("100") int batchSize,
        @DefaultValue("5m") Duration stuckOutboxAge) {
}
