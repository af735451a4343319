package io.provisioner.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.CfException;
import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.EventCodec;
import io.provisioner.schemas.EventEnvelope;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationType;
import io.provisioner.schemas.ProvisioningRequested;

/** The outbox measures an event as the relay will send it, whatever the event carries. */
class OutboxWriterSizeTest {

    private static final EventCodec CODEC = new EventCodec();

    @Test
    void anEventOverTheLimitIsRefusedWithTheCfEnvelopesTooLarge() {
        EventEnvelope<ProvisioningRequested> event = event("é".repeat(600));
        int size = CODEC.write(event).length;

        assertThat(OutboxWriter.encode(CODEC, event, size)).isEqualTo(CODEC.writeString(event));
        assertThatThrownBy(() -> OutboxWriter.encode(CODEC, event, size - 1))
                .isInstanceOfSatisfying(CfException.class, e -> {
                    assertThat(e.error()).isEqualTo(CfError.REQUEST_TOO_LARGE);
                    assertThat(e.getMessage()).contains(size + " bytes").contains((size - 1) + " bytes");
                });
    }

    @Test
    void theUtf8LengthIsCountedAsTheBytesOnTheWire() {
        String text = "a é € 😀 \u0000";
        assertThat(OutboxWriter.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    private static EventEnvelope<ProvisioningRequested> event(String parameter) {
        ProvisioningRequested request = new ProvisioningRequested("op", OperationType.CREATE, "guid", "name", "svc",
                "plan", null, "org", "org", "space", "space", parameter, null,
                new BrokerEndpoint("b", "b", "http://b", "u", "sealed"), null, "user", Instant.now());
        return EventEnvelope.of(EventTypes.PROVISIONING_REQUESTED, "/test", Instant.now(), "guid", request);
    }
}
