package io.provisioner.schemas;

import java.time.Duration;
import java.util.List;

/**
 * Topic names. Every topic is keyed by the service instance guid, which gives per-instance order.
 * {@link #COMMANDS} and {@link #EVENTS} are the public contract; the {@code provisioning.*} topics are private.
 */
public final class Topics {

    /** One record per operation (create, update, delete): gateway outbox to worker. */
    public static final String REQUESTS = "provisioning.requests";

    /** Every state change of an operation: worker to gateway. */
    public static final String STATUS = "provisioning.status";

    /** Progress and outcome of orphan-mitigation jobs: worker to gateway. */
    public static final String ORPHAN_MITIGATIONS = "provisioning.orphan-mitigations";

    /** Public input: other systems' create, update and delete commands (CloudEvents, the caller's JWT in a header). */
    public static final String COMMANDS = "service-instance.commands";

    /** Public output: the lifecycle of every service instance, written through the gateway's outbox. */
    public static final String EVENTS = "service-instance.events";

    /** Delay tiers for due-time polls; see {@link #pollTier(Duration)}. */
    public static final String POLLS_PREFIX = "provisioning.polls.";

    /** The worker's progress per operation (compacted). */
    public static final String PROGRESS = "provisioning.operations";

    /** Dead letters go to the source topic name plus this suffix. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    /**
     * Every record in a tier waits the same time, so due times never decrease along a partition
     * and a consumer can pause a partition until its head is due. Longer waits hop tiers.
     */
    public static final List<Duration> POLL_TIERS = List.of(
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2));

    private Topics() {
    }

    public static String pollTopic(Duration tier) {
        return POLLS_PREFIX + tier.toSeconds() + "s";
    }

    public static List<String> pollTopics() {
        return POLL_TIERS.stream().map(Topics::pollTopic).toList();
    }

    /**
     * Every dead-letter topic the apps declare: one per consumed topic. Nothing else is a dead-letter
     * topic, so an operator's request for another name is refused rather than creating it.
     */
    public static List<String> deadLetterTopics() {
        List<String> sources = new java.util.ArrayList<>();
        sources.add(REQUESTS);
        sources.add(STATUS);
        sources.addAll(pollTopics());
        sources.add(PROGRESS);
        sources.add(ORPHAN_MITIGATIONS);
        sources.add(COMMANDS);
        return sources.stream().map(source -> source + DEAD_LETTER_SUFFIX).toList();
    }

    /** The longest tier that does not overshoot {@code remaining}; the shortest one when all do. */
    public static Duration pollTier(Duration remaining) {
        Duration chosen = POLL_TIERS.get(0);
        for (Duration tier : POLL_TIERS) {
            if (tier.compareTo(remaining) <= 0) {
                chosen = tier;
            }
        }
        return chosen;
    }

    /** The tier delay of a poll topic, from its name. */
    public static Duration tierOf(String pollTopic) {
        String seconds = pollTopic.substring(POLLS_PREFIX.length(), pollTopic.length() - 1);
        return Duration.ofSeconds(Long.parseLong(seconds));
    }
}
