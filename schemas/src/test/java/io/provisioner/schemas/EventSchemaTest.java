package io.provisioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EventSchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final EventCodec codec = new EventCodec();

    private static Schema schema(String name) {
        return REGISTRY.getSchema(SchemaLocation.of("classpath:schemas/v1/" + name + ".schema.json"));
    }

    private static JsonNode golden(String name) {
        try (InputStream in = EventSchemaTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    private EventEnvelope<?> read(String name, byte[] json) {
        return switch (name) {
            case "provisioning-requested" -> codec.readRequested(json);
            case "operation-status-changed" -> codec.readStatus(json);
            case "poll-scheduled" -> codec.readPoll(json);
            case "orphan-mitigation-requested" -> codec.readOrphanMitigationRequested(json);
            case "orphan-mitigation-changed" -> codec.readOrphanMitigationChanged(json);
            case "binding-requested" -> codec.readBindingRequested(json);
            case "binding-status-changed" -> codec.readBindingStatus(json);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"provisioning-requested", "operation-status-changed", "poll-scheduled",
            "orphan-mitigation-requested", "orphan-mitigation-changed", "binding-requested",
            "binding-status-changed"})
    void goldenFilesMatchTheirSchema(String name) {
        assertThat(schema(name).validate(golden(name))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"provisioning-requested", "operation-status-changed", "poll-scheduled",
            "orphan-mitigation-requested", "orphan-mitigation-changed", "binding-requested",
            "binding-status-changed"})
    void recordsReadGoldenFilesAndWriteThemBackUnchanged(String name) {
        JsonNode golden = golden(name);
        EventEnvelope<?> envelope = read(name, JSON.writeValueAsBytes(golden));
        JsonNode written = JSON.readTree(codec.write(envelope));
        assertThat(written).isEqualTo(golden);
        assertThat(schema(name).validate(written)).isEmpty();
    }

    @Test
    void recordsBuiltInCodeSerializeToTheSchema() {
        ProvisioningRequested request = new ProvisioningRequested("op-1", OperationType.UPDATE, "guid-1", "db",
                "service-id", "plan-b", "plan-a", "org-1", "org", "space-1", "space", "v1:abc",
                Map.of("version", "2.0.0"),
                new BrokerEndpoint("broker-1", "b", "https://broker.example.com", "u", "v1:abc"), 3600, "user-1",
                Instant.parse("2026-01-01T00:00:00Z"));
        EventEnvelope<PollScheduled> poll = EventEnvelope.of(EventTypes.POLL_SCHEDULED, "/test",
                Instant.parse("2026-01-01T00:00:01Z"), "guid-1", new PollScheduled(request, "op?x=1&y", null,
                        Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:02Z"), 3));
        EventEnvelope<OperationStatusChanged> status = EventEnvelope.of(EventTypes.OPERATION_STATUS_CHANGED,
                "/test", Instant.now(), "guid-1", new OperationStatusChanged("op-1", OperationType.UPDATE,
                        "guid-1", OperationState.SUCCEEDED, "done", null, null, 7, "rid", Instant.now()));

        assertThat(schema("poll-scheduled").validate(JSON.readTree(codec.write(poll)))).isEmpty();
        assertThat(schema("operation-status-changed").validate(JSON.readTree(codec.write(status)))).isEmpty();
        assertThat(codec.readPoll(codec.write(poll))).isEqualTo(poll);
    }

    @Test
    void theSchemasRejectWhatTheWireMustNotCarry() {
        ObjectNode badState = (ObjectNode) golden("operation-status-changed");
        ((ObjectNode) badState.get("data")).put("state", "in_progress");
        ObjectNode noBroker = (ObjectNode) golden("provisioning-requested");
        ((ObjectNode) noBroker.get("data")).remove("broker");
        ObjectNode plainPassword = (ObjectNode) golden("provisioning-requested");
        ((ObjectNode) plainPassword.get("data").get("broker")).put("sealed_password", "broker-secret");

        ObjectNode clearParameters = (ObjectNode) golden("provisioning-requested");
        ((ObjectNode) clearParameters.get("data")).putObject("parameters").put("password", "hunter2");
        ObjectNode plainSealedParameters = (ObjectNode) golden("provisioning-requested");
        ((ObjectNode) plainSealedParameters.get("data")).put("sealed_parameters", "{\"password\": \"hunter2\"}");

        List<Error> stateErrors = schema("operation-status-changed").validate(badState);
        assertThat(stateErrors).isNotEmpty();
        assertThat(schema("provisioning-requested").validate(noBroker)).isNotEmpty();
        assertThat(schema("provisioning-requested").validate(plainPassword)).isNotEmpty();
        assertThat(schema("provisioning-requested").validate(clearParameters)).as("parameters in clear").isNotEmpty();
        assertThat(schema("provisioning-requested").validate(plainSealedParameters)).as("unsealed parameters")
                .isNotEmpty();
    }

    @Test
    void theCodecTellsTheTypeOfAnEventWithoutReadingItWhole() {
        assertThat(codec.typeOf(JSON.writeValueAsBytes(golden("orphan-mitigation-requested"))))
                .isEqualTo(EventTypes.ORPHAN_MITIGATION_REQUESTED);
        assertThat(codec.typeOf(JSON.writeValueAsBytes(golden("provisioning-requested"))))
                .isEqualTo(EventTypes.PROVISIONING_REQUESTED);
        assertThat(codec.typeOf("{\"data\": {\"type\": \"x\"}, \"type\": \"io.provisioner.y.v1\"}".getBytes()))
                .as("a nested type is not the envelope's").isEqualTo("io.provisioner.y.v1");
        assertThat(codec.typeOf("{\"id\": \"1\"}".getBytes())).isNull();
        assertThatThrownBy(() -> codec.typeOf("[]".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOrphanMitigationEventBuiltInCodeSerializesToTheSchema() {
        EventEnvelope<OrphanMitigationChanged> changed = EventEnvelope.of(EventTypes.ORPHAN_MITIGATION_CHANGED, "/test",
                Instant.parse("2026-01-01T00:00:01Z"), "guid-1", new OrphanMitigationChanged("guid-1", "op-1",
                        "broker-1", null, OrphanMitigationState.ABANDONED, 12, null,
                        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"),
                        Instant.parse("2026-01-02T00:00:01Z")));

        JsonNode written = JSON.readTree(codec.write(changed));

        assertThat(schema("orphan-mitigation-changed").validate(written)).isEmpty();
        assertThat(written.at("/data/state").asString()).isEqualTo("abandoned");
        assertThat(codec.readOrphanMitigationChanged(codec.write(changed))).isEqualTo(changed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-instance-event", "service-instance-event-rejected"})
    void publicEventGoldenFilesMatchTheirSchemaAndSurviveTheRecords(String name) {
        JsonNode golden = golden(name);
        assertThat(schema("service-instance-event").validate(golden)).isEmpty();
        EventEnvelope<ServiceInstanceEvent> event = codec.readServiceInstanceEvent(JSON.writeValueAsBytes(golden));
        JsonNode written = JSON.readTree(codec.write(event));
        assertThat(written).isEqualTo(golden);
    }

    @ParameterizedTest
    @ValueSource(strings = {"service-key-event", "service-key-event-rejected"})
    void keyEventGoldenFilesMatchTheirSchemaAndSurviveTheRecords(String name) {
        JsonNode golden = golden(name);
        assertThat(schema("service-key-event").validate(golden)).isEmpty();
        EventEnvelope<ServiceKeyEvent> event = codec.readServiceKeyEvent(JSON.writeValueAsBytes(golden));
        assertThat(JSON.readTree(codec.write(event))).isEqualTo(golden);
        assertThat(golden.get("subject")).as("keyed like its instance").isEqualTo(golden.at("/data/instance_guid"));
    }

    @Test
    void keyEventsNeverCarryCredentialsAndAreNotInstanceEvents() {
        ObjectNode inTheKey = (ObjectNode) golden("service-key-event");
        ((ObjectNode) inTheKey.at("/data/service_key/entity")).putObject("credentials").put("password", "hunter2");
        ObjectNode redacted = (ObjectNode) golden("service-key-event");
        ((ObjectNode) redacted.at("/data/service_key/entity")).putObject("credentials");
        ObjectNode sealed = (ObjectNode) golden("service-key-event");
        ((ObjectNode) sealed.get("data")).put("sealed_credentials", "v1:abc");
        ObjectNode deletedButCreate = (ObjectNode) golden("service-key-event");
        deletedButCreate.put("type", EventTypes.SERVICE_KEY_DELETED);
        ObjectNode keyCommandWithoutSubject = (ObjectNode) golden("service-instance-command");
        keyCommandWithoutSubject.put("type", EventTypes.COMMAND_DELETE_KEY);
        keyCommandWithoutSubject.remove("subject");
        keyCommandWithoutSubject.putObject("data");
        ObjectNode keyCreate = (ObjectNode) golden("service-instance-command");
        keyCreate.put("type", EventTypes.COMMAND_CREATE_KEY);

        Schema keys = schema("service-key-event");
        assertThat(keys.validate(inTheKey)).as("credentials in the key").isNotEmpty();
        assertThat(keys.validate(redacted)).as("even empty credentials").isNotEmpty();
        assertThat(keys.validate(sealed)).as("sealed credentials").isNotEmpty();
        assertThat(keys.validate(deletedButCreate)).as("deleted with a create").isNotEmpty();
        assertThat(schema("service-instance-event").validate(golden("service-key-event"))).as("another family")
                .isNotEmpty();
        assertThatThrownBy(() -> codec.readServiceInstanceEvent(JSON.writeValueAsBytes(golden("service-key-event"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(schema("service-instance-command").validate(keyCommandWithoutSubject)).as("key delete without subject")
                .isNotEmpty();
        assertThat(schema("service-instance-command").validate(keyCreate)).isEmpty();
    }

    @Test
    void theCommandGoldenFileMatchesItsSchema() {
        assertThat(schema("service-instance-command").validate(golden("service-instance-command"))).isEmpty();
    }

    @Test
    void thePublicSchemasRejectWhatTheContractForbids() {
        ObjectNode rejectedWithoutError = (ObjectNode) golden("service-instance-event-rejected");
        ((ObjectNode) rejectedWithoutError.get("data")).putNull("error");
        ObjectNode succeededButFailed = (ObjectNode) golden("service-instance-event");
        ((ObjectNode) succeededButFailed.at("/data/operation")).put("state", "failed");
        ObjectNode versionZero = (ObjectNode) golden("service-instance-event");
        ((ObjectNode) versionZero.get("data")).put("version", 0);
        ObjectNode credentials = (ObjectNode) golden("service-instance-event");
        ((ObjectNode) credentials.at("/data/instance/entity/credentials")).put("password", "hunter2");
        ObjectNode unknownType = (ObjectNode) golden("service-instance-event");
        unknownType.put("type", "io.provisioner.service-instance.exploded.v1");
        ObjectNode deleteWithBody = (ObjectNode) golden("service-instance-command");
        deleteWithBody.put("type", EventTypes.COMMAND_DELETE);
        ObjectNode updateWithoutSubject = (ObjectNode) golden("service-instance-command");
        updateWithoutSubject.put("type", EventTypes.COMMAND_UPDATE);
        updateWithoutSubject.remove("subject");
        ObjectNode wrongVersion = (ObjectNode) golden("service-instance-command");
        wrongVersion.put("specversion", "0.3");

        Schema events = schema("service-instance-event");
        assertThat(events.validate(rejectedWithoutError)).as("rejected without error").isNotEmpty();
        assertThat(events.validate(succeededButFailed)).as("succeeded with a failed operation").isNotEmpty();
        assertThat(events.validate(versionZero)).as("version 0").isNotEmpty();
        assertThat(events.validate(credentials)).as("credentials on the public stream").isNotEmpty();
        assertThat(events.validate(unknownType)).as("unknown type").isNotEmpty();
        Schema commands = schema("service-instance-command");
        assertThat(commands.validate(deleteWithBody)).as("delete with a body").isNotEmpty();
        assertThat(commands.validate(updateWithoutSubject)).as("update without subject").isNotEmpty();
        assertThat(commands.validate(wrongVersion)).as("not CloudEvents 1.0").isNotEmpty();
    }

    @Test
    void aPublicEventBuiltInCodeSerializesToTheSchema() {
        EventEnvelope<ServiceInstanceEvent> started = EventEnvelope.of(EventTypes.SERVICE_INSTANCE_STARTED,
                "/provisioner/api-gateway", Instant.parse("2026-01-01T00:00:00Z"), "guid-1",
                new ServiceInstanceEvent("guid-1", 1L, new ServiceInstanceEvent.Operation("op-1", OperationType.CREATE,
                        OperationState.IN_PROGRESS, ""), JSON.convertValue(golden("service-instance-event")
                                .at("/data/instance"), Map.class), null, "rid", "user-1", null,
                        Instant.parse("2026-01-01T00:00:00Z")));

        JsonNode written = JSON.readTree(codec.write(started));

        assertThat(schema("service-instance-event").validate(written)).isEmpty();
        assertThat(written.at("/data/operation/state").asString()).isEqualTo("in progress");
        assertThat(codec.readServiceInstanceEvent(codec.write(started))).isEqualTo(started);
        assertThatThrownBy(() -> codec.readServiceInstanceEvent(JSON.writeValueAsBytes(golden("operation-status-changed"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindingEventsCarryTheirBindingAndOnlySealedCredentials() {
        ObjectNode clearCredentials = (ObjectNode) golden("binding-status-changed");
        ((ObjectNode) clearCredentials.get("data")).putObject("credentials").put("password", "hunter2");
        ObjectNode unsealed = (ObjectNode) golden("binding-status-changed");
        ((ObjectNode) unsealed.get("data")).put("sealed_credentials", "{\"password\": \"hunter2\"}");
        ObjectNode noBinding = (ObjectNode) golden("binding-requested");
        ((ObjectNode) noBinding.get("data")).remove("binding");
        ObjectNode update = (ObjectNode) golden("binding-requested");
        ((ObjectNode) update.get("data")).put("operation_type", "update");

        assertThat(schema("binding-status-changed").validate(clearCredentials)).as("credentials in clear").isNotEmpty();
        assertThat(schema("binding-status-changed").validate(unsealed)).as("unsealed credentials").isNotEmpty();
        assertThat(schema("binding-requested").validate(noBinding)).isNotEmpty();
        assertThat(schema("binding-requested").validate(update)).as("a binding is created or deleted").isNotEmpty();
        assertThat(schema("provisioning-requested").validate(golden("provisioning-requested"))).isEmpty();
    }

    @Test
    void aBindingRequestIsNeverReadAsAnOperationOnTheInstance() {
        byte[] binding = JSON.writeValueAsBytes(golden("binding-requested"));
        ObjectNode disguised = (ObjectNode) golden("binding-requested");
        disguised.put("type", EventTypes.PROVISIONING_REQUESTED);

        assertThatThrownBy(() -> codec.readRequested(binding)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.readRequested(JSON.writeValueAsBytes(disguised)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names a binding");
        assertThat(codec.readBindingRequested(binding).data().target()).isEqualTo("5b1e8f2a-9c3d-4e7f-a6b5-c4d3e2f1a0b9");
        assertThat(codec.readBindingStatus(JSON.writeValueAsBytes(golden("binding-status-changed"))).data().toString())
                .doesNotContain("v1:");
    }

    @Test
    void theCodecRefusesAnEventOfAnotherType() {
        byte[] status = JSON.writeValueAsBytes(golden("operation-status-changed"));
        assertThatThrownBy(() -> codec.readRequested(status))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected an event of type io.provisioner.provisioning.requested.v1");
    }
}
