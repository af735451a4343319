package io.provisioner.gateway.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.ServiceInstanceEvent;
import io.provisioner.schemas.Topics;

/**
 * How this gateway learns of every instance's changes, whichever gateway made them: one thread reads
 * {@code service-instance.events} (all partitions assigned, no consumer group, from the end as of start-up)
 * and hands each event to the subscribers of its instance. Callers of {@code GET ?wait=} and the event
 * streams subscribe here, so no thread waits per caller, and a change applied by another replica wakes
 * them just the same. A subscriber must subscribe before it reads the database, so that nothing committed
 * after its read can pass unseen.
 */
@Component
public class ChangeFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

    /** A subscription; cancel it when the caller no longer waits. */
    public interface Subscription {
        void cancel();
    }

    private final ConsumerFactory<String, byte[]> consumers;
    private final EventCodec codec;
    private final Map<String, Set<Consumer<EventEnvelope<ServiceInstanceEvent>>>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile Thread thread;

    ChangeFeed(ConsumerFactory<String, byte[]> consumers, EventCodec codec) {
        this.consumers = consumers;
        this.codec = codec;
    }

    public Subscription subscribe(String guid, Consumer<EventEnvelope<ServiceInstanceEvent>> subscriber) {
        subscribers.computeIfAbsent(guid, g -> ConcurrentHashMap.newKeySet()).add(subscriber);
        return () -> subscribers.computeIfPresent(guid, (g, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many subscriptions are open (for tests and metrics). */
    public int subscriptions() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    private void loop() {
        Properties noGroup = new Properties();
        noGroup.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        noGroup.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer =
                consumers.createConsumer(null, "change-feed", null, noGroup)) {
            while (running && !assign(consumer)) {
                sleep(Duration.ofSeconds(1));
            }
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        deliver(record);
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("reading {} failed, trying again: {}", Topics.EVENTS, e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            }
        } catch (RuntimeException e) {
            log.error("the change feed stopped: callers waiting on this gateway will wake only at their timeout", e);
        }
    }

    private boolean assign(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer) {
        try {
            var partitions = consumer.partitionsFor(Topics.EVENTS, Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                return false;
            }
            List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(all);
            consumer.seekToEnd(all);
            all.forEach(consumer::position);
            return true;
        } catch (RuntimeException e) {
            log.debug("{} not readable yet: {}", Topics.EVENTS, e.getMessage());
            return false;
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> record) {
        Set<Consumer<EventEnvelope<ServiceInstanceEvent>>> waiting = record.key() == null ? null
                : subscribers.get(record.key());
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        EventEnvelope<ServiceInstanceEvent> event;
        try {
            if (!EventTypes.SERVICE_INSTANCE_EVENTS.contains(codec.typeOf(record.value()))) {
                return; // the same topic carries the instance's service key events: not a change of the instance
            }
            event = codec.readServiceInstanceEvent(record.value());
        } catch (RuntimeException e) {
            log.warn("not a service instance event at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        for (Consumer<EventEnvelope<ServiceInstanceEvent>> subscriber : List.copyOf(waiting)) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.warn("a subscriber of instance {} failed: {}", record.key(), e.getMessage());
            }
        }
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "change-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Waiting callers are answered until the web server stops: stop after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
