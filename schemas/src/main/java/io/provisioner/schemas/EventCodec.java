package io.provisioner.schemas;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes envelopes as JSON bytes, the only wire format on Provisioner's topics.
 * Thread-safe; share one instance.
 */
public final class EventCodec {

    private final JsonMapper mapper;
    private final JavaType requested;
    private final JavaType status;
    private final JavaType poll;

    public EventCodec() {
        this(JsonMapper.builder().build());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
        this.requested = envelopeOf(ProvisioningRequested.class);
        this.status = envelopeOf(OperationStatusChanged.class);
        this.poll = envelopeOf(PollScheduled.class);
    }

    private JavaType envelopeOf(Class<?> data) {
        return mapper.getTypeFactory().constructParametricType(EventEnvelope.class, data);
    }

    public byte[] write(EventEnvelope<?> envelope) {
        return mapper.writeValueAsBytes(envelope);
    }

    public String writeString(EventEnvelope<?> envelope) {
        return mapper.writeValueAsString(envelope);
    }

    public EventEnvelope<ProvisioningRequested> readRequested(byte[] json) {
        return checked(mapper.readValue(json, requested), EventTypes.PROVISIONING_REQUESTED);
    }

    public EventEnvelope<OperationStatusChanged> readStatus(byte[] json) {
        return checked(mapper.readValue(json, status), EventTypes.OPERATION_STATUS_CHANGED);
    }

    public EventEnvelope<PollScheduled> readPoll(byte[] json) {
        return checked(mapper.readValue(json, poll), EventTypes.POLL_SCHEDULED);
    }

    private static <T> EventEnvelope<T> checked(EventEnvelope<T> envelope, String expectedType) {
        if (!expectedType.equals(envelope.type())) {
            throw new IllegalArgumentException(
                    "expected an event of type " + expectedType + " but got " + envelope.type());
        }
        if (envelope.data() == null) {
            throw new IllegalArgumentException("event " + envelope.id() + " has no data");
        }
        return envelope;
    }
}
