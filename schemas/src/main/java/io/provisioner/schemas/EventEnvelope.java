package io.provisioner.schemas;

import java.time.Instant;
import java.util.UUID;

/**
 * A CloudEvents 1.0 style envelope around every event on every topic.
 *
 * @param subject the service instance guid the event is about (also the record key)
 */
public record EventEnvelope<T>(
        String specversion,
        String id,
        String type,
        String source,
        Instant time,
        String subject,
        String datacontenttype,
        T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public static <T> EventEnvelope<T> of(String type, String source, Instant time, String subject, T data) {
        return new EventEnvelope<>(SPEC_VERSION, UUID.randomUUID().toString(), type, source, time, subject,
                CONTENT_TYPE, data);
    }
}
