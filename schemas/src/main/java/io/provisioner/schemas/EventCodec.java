package io.provisioner.schemas;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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
    private final JavaType orphanRequested;
    private final JavaType orphanChanged;
    private final JavaType bindingStatus;
    private final JavaType instanceEvent;
    private final JavaType keyEvent;

    public EventCodec() {
        this(JsonMapper.builder().build());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
        this.requested = envelopeOf(ProvisioningRequested.class);
        this.status = envelopeOf(OperationStatusChanged.class);
        this.poll = envelopeOf(PollScheduled.class);
        this.orphanRequested = envelopeOf(OrphanMitigationRequested.class);
        this.orphanChanged = envelopeOf(OrphanMitigationChanged.class);
        this.bindingStatus = envelopeOf(BindingStatusChanged.class);
        this.instanceEvent = envelopeOf(ServiceInstanceEvent.class);
        this.keyEvent = envelopeOf(ServiceKeyEvent.class);
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
        EventEnvelope<ProvisioningRequested> envelope = checked(mapper.readValue(json, requested),
                EventTypes.PROVISIONING_REQUESTED);
        if (envelope.data().aboutBinding()) {
            throw new IllegalArgumentException("request " + envelope.id() + " names a binding but is not of type "
                    + EventTypes.BINDING_REQUESTED);
        }
        return envelope;
    }

    /** A bind or unbind request: a {@link ProvisioningRequested} that names its binding. */
    public EventEnvelope<ProvisioningRequested> readBindingRequested(byte[] json) {
        EventEnvelope<ProvisioningRequested> envelope = checked(mapper.readValue(json, requested),
                EventTypes.BINDING_REQUESTED);
        if (!envelope.data().aboutBinding()) {
            throw new IllegalArgumentException("binding request " + envelope.id() + " names no binding");
        }
        return envelope;
    }

    public EventEnvelope<BindingStatusChanged> readBindingStatus(byte[] json) {
        return checked(mapper.readValue(json, bindingStatus), EventTypes.BINDING_STATUS_CHANGED);
    }

    public EventEnvelope<OperationStatusChanged> readStatus(byte[] json) {
        return checked(mapper.readValue(json, status), EventTypes.OPERATION_STATUS_CHANGED);
    }

    public EventEnvelope<PollScheduled> readPoll(byte[] json) {
        return checked(mapper.readValue(json, poll), EventTypes.POLL_SCHEDULED);
    }

    public EventEnvelope<OrphanMitigationRequested> readOrphanMitigationRequested(byte[] json) {
        return checked(mapper.readValue(json, orphanRequested), EventTypes.ORPHAN_MITIGATION_REQUESTED);
    }

    public EventEnvelope<OrphanMitigationChanged> readOrphanMitigationChanged(byte[] json) {
        return checked(mapper.readValue(json, orphanChanged), EventTypes.ORPHAN_MITIGATION_CHANGED);
    }

    /** A public lifecycle event of any of the {@link EventTypes#SERVICE_INSTANCE_EVENTS} types. */
    public EventEnvelope<ServiceInstanceEvent> readServiceInstanceEvent(byte[] json) {
        EventEnvelope<ServiceInstanceEvent> envelope = mapper.readValue(json, instanceEvent);
        if (!EventTypes.SERVICE_INSTANCE_EVENTS.contains(envelope.type())) {
            throw new IllegalArgumentException("not a service instance event: " + envelope.type());
        }
        return checked(envelope, envelope.type());
    }

    /** A public event about a service key, of any of the {@link EventTypes#SERVICE_KEY_EVENTS} types. */
    public EventEnvelope<ServiceKeyEvent> readServiceKeyEvent(byte[] json) {
        EventEnvelope<ServiceKeyEvent> envelope = mapper.readValue(json, keyEvent);
        if (!EventTypes.SERVICE_KEY_EVENTS.contains(envelope.type())) {
            throw new IllegalArgumentException("not a service key event: " + envelope.type());
        }
        return checked(envelope, envelope.type());
    }

    /**
     * The envelope's {@code type}, read without binding the event, for topics that carry more than one type.
     * Reads only as far as the field (the envelope puts it near the start).
     *
     * @return the type, or null when the envelope has none
     */
    public String typeOf(byte[] json) {
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("type".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? parser.getString() : null;
                }
                parser.skipChildren();
            }
            return null;
        }
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
