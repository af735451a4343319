package io.provisioner.worker.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.provisioner.worker.messaging.DeadLetters;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The progress of operations, shared by all workers through {@value #TOPIC}. Start-up reads the whole
 * topic before anything else of the worker starts (a lower lifecycle phase), so no request or scheduled
 * step is judged on a half-read table; then one thread follows the topic. Each worker reads every
 * partition (no consumer group): the steps of one operation may run on different workers.
 *
 * <p>The view may lag another worker's writes by a moment. The rules that use it are built so that a lag
 * can only let through work that is then repeated harmlessly, never drop work that is needed.
 */
@Component
public class ProgressTable implements SmartLifecycle {

    public static final String TOPIC = io.provisioner.schemas.Topics.PROGRESS;

    private static final Logger log = LoggerFactory.getLogger(ProgressTable.class);
    private static final Duration FOLLOW_WAIT = Duration.ofMillis(500);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final KafkaTemplate<String, byte[]> kafka;
    private final ConsumerFactory<String, byte[]> consumers;
    private final DeadLetters deadLetters;
    private final ProgressSettings settings;
    private final Clock clock;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final ProgressView view = new ProgressView();

    private final Object lifecycle = new Object();
    private volatile boolean running;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread follower;

    ProgressTable(KafkaTemplate<String, byte[]> kafka, ConsumerFactory<String, byte[]> consumers,
            DeadLetters deadLetters, ProgressSettings settings, MeterRegistry meters, Clock clock) {
        this.kafka = kafka;
        this.consumers = consumers;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("provisioner.operations.in.flight", view, ProgressView::active)
                .description("Operations this worker knows to be under way (any worker's)")
                .register(meters);
    }

    public Optional<OperationProgress> operation(String operationId) {
        return view.operation(operationId);
    }

    /** The newest operation of the instance the table knows, finished or not. */
    public Optional<OperationProgress> newestOf(String instanceGuid) {
        return view.newestOf(instanceGuid);
    }

    /** Records progress; the view has it as soon as Kafka acknowledged it. */
    public CompletableFuture<?> record(OperationProgress progress) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, progress.operationId(),
                mapper.writeValueAsBytes(progress));
        return kafka.send(record).thenAccept(sent -> view.apply(progress, sent.getRecordMetadata().offset()));
    }

    @Override
    public int getPhase() {
        // Before the request listener (Integer.MAX_VALUE - 100) and the poll loop (Integer.MAX_VALUE).
        return Integer.MAX_VALUE - 1000;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, settings.startupTimeout()).stream()
                    .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
            if (partitions.isEmpty()) {
                consumer.close();
                throw new IllegalStateException(TOPIC + " does not exist (the worker declares it at start-up: is Kafka "
                        + "reachable, and may the worker create topics?)");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            catchUp(partitions);
            running = true;
            KafkaConsumer<String, byte[]> owned = consumer;
            follower = new Thread(() -> follow(owned), "progress-table");
            follower.setDaemon(true);
            follower.start();
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> properties = new HashMap<>(consumers.getConfigurationProperties());
        // No group: every worker reads every partition, and nothing is committed.
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "provisioner-worker-progress-" + UUID.randomUUID());
        return properties;
    }

    /** Reads up to the end offsets as of now; start-up fails if that takes longer than allowed. */
    private void catchUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, settings.startupTimeout());
        Instant deadline = clock.instant().plus(settings.startupTimeout());
        long records = 0;
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (clock.instant().isAfter(deadline)) {
                consumer.close();
                throw new IllegalStateException("could not read " + TOPIC + " within " + settings.startupTimeout());
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(FOLLOW_WAIT)) {
                apply(record);
                records++;
            }
        }
        log.info("read {} records of {}: {} operations under way", records, TOPIC, view.active());
    }

    private void follow(KafkaConsumer<String, byte[]> consumer) {
        Instant nextSweep = clock.instant().plus(SWEEP_EVERY);
        try {
            while (running) {
                try {
                    consumer.poll(FOLLOW_WAIT).forEach(this::apply);
                } catch (WakeupException e) {
                    // stop() woke us: the loop condition ends it.
                } catch (RuntimeException e) {
                    log.error("reading {} failed; trying again", TOPIC, e);
                }
                if (clock.instant().isAfter(nextSweep)) {
                    view.forgetFinishedBefore(clock.instant().minus(settings.retention()));
                    nextSweep = clock.instant().plus(SWEEP_EVERY);
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            view.remove(record.key());
            return;
        }
        try {
            OperationProgress progress = mapper.readValue(record.value(), OperationProgress.class);
            if (progress.operationId() == null || progress.instanceGuid() == null || progress.phase() == null) {
                throw new IllegalArgumentException("the progress record has no operation_id, instance_guid or phase");
            }
            view.apply(progress, record.offset());
        } catch (JacksonException | IllegalArgumentException e) {
            // No group offsets here: the record is read again at every start, and parked again (same headers).
            try {
                deadLetters.park(record, e);
            } catch (RuntimeException parkFailed) {
                log.error("could not park the unreadable record {}-{}@{}", record.topic(), record.partition(),
                        record.offset(), parkFailed);
            }
        }
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            consumer.wakeup();
            try {
                follower.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
