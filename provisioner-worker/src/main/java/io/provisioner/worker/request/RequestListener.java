package io.provisioner.worker.request;

import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.Topics;
import io.provisioner.worker.operation.OperationStarter;
import io.provisioner.worker.progress.RequestPosition;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes operations off {@link Topics#REQUESTS}. A record that cannot be decoded throws and is parked on
 * the dead-letter topic by the container's error handler ({@link RequestListenerConfiguration}).
 */
@Component
class RequestListener {

    static final String ID = "provisioning-requests";

    private final EventCodec codec;
    private final OperationStarter starter;

    RequestListener(EventCodec codec, OperationStarter starter) {
        this.codec = codec;
        this.starter = starter;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = Topics.REQUESTS)
    void onRequest(ConsumerRecord<String, byte[]> record) {
        starter.start(codec.readRequested(record.value()).data(), new RequestPosition(record.partition(), record.offset()));
    }
}
