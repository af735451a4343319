package io.provisioner.gateway.command;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.schemas.EventTypes;

/**
 * A record of {@code service-instance.commands} read as a command: a CloudEvents 1.0 envelope
 * ({@code service-instance-command.schema.json}). What is not one at all is a {@link NotACommand} and goes
 * to the dead-letter topic; what {@code data} says is judged later, by the REST rules.
 *
 * @param guid what the command is about: for an instance command the instance (the subject, else the record
 *        key), for a service key command the key (the subject); else (a create only) one derived from source
 *        and id, so a create delivered twice names the same instance or key
 * @param recordKey the record's key: for a key command, the key's instance as the sender named it (or null)
 * @param data the {@code data} object exactly as written (parameters keep their spelling), or null
 * @param authorization the {@code authorization} header, or null
 */
record Command(String source, String id, String type, String guid, String recordKey, byte[] data,
        String authorization) {

    static final String AUTHORIZATION_HEADER = "authorization";
    private static final int MAX_ID = 255;

    /** A record that is not a command; the reason goes with it to the dead-letter topic. */
    static final class NotACommand extends IllegalArgumentException {
        NotACommand(String reason) {
            super("not a service instance command: " + reason);
        }
    }

    static Command read(ConsumerRecord<String, byte[]> record, JsonMapper json) {
        JsonBody envelope;
        try {
            envelope = JsonBody.parse(record.value(), json);
        } catch (CfException e) {
            throw new NotACommand(e.getMessage());
        }
        String specversion = field(envelope, "specversion");
        if (!"1.0".equals(specversion)) {
            throw new NotACommand("specversion must be \"1.0\"");
        }
        String id = bounded(field(envelope, "id"), "id");
        String source = bounded(field(envelope, "source"), "source");
        String type = field(envelope, "type");
        if (!EventTypes.COMMANDS.contains(type)) {
            throw new NotACommand("type must be one of " + EventTypes.COMMANDS);
        }
        String subject = field(envelope, "subject");
        String key = record.key();
        boolean aboutKey = EventTypes.KEY_COMMANDS.contains(type);
        if (!aboutKey && subject != null && key != null && !subject.equals(key)) {
            throw new NotACommand("the record key and the subject name different instances");
        }
        // A key command's record key is its instance (for order); the key itself is named only in subject.
        String guid = subject != null ? subject : aboutKey ? null : key;
        if (guid == null && !type.equals(EventTypes.COMMAND_CREATE) && !type.equals(EventTypes.COMMAND_CREATE_KEY)) {
            throw new NotACommand("an update or delete names its instance (or service key) in subject");
        }
        if (guid == null) {
            guid = UUID.nameUUIDFromBytes((source + "\n" + id).getBytes(StandardCharsets.UTF_8)).toString();
        }
        String data;
        try {
            data = envelope.rawObject("data");
        } catch (CfException e) {
            throw new NotACommand("data must be a JSON object");
        }
        boolean delete = type.equals(EventTypes.COMMAND_DELETE) || type.equals(EventTypes.COMMAND_DELETE_KEY);
        if (delete && data != null && !json.readTree(data).isEmpty()) {
            throw new NotACommand("a delete carries no data");
        }
        if (data == null && !delete) {
            throw new NotACommand("a create or update carries data");
        }
        Header authorization = record.headers().lastHeader(AUTHORIZATION_HEADER);
        return new Command(source, id, type, guid, key, data == null ? null : data.getBytes(StandardCharsets.UTF_8),
                authorization == null ? null : new String(authorization.value(), StandardCharsets.UTF_8));
    }

    private static String field(JsonBody envelope, String name) {
        try {
            return envelope.string(name);
        } catch (CfException e) {
            throw new NotACommand(name + " must be a string");
        }
    }

    private static String bounded(String value, String name) {
        if (value == null || value.isBlank() || value.length() > MAX_ID) {
            throw new NotACommand(name + " must be a string of 1 to " + MAX_ID + " characters");
        }
        return value;
    }

    /** Whether it is about a service key (create or delete) rather than an instance. */
    boolean aboutKey() {
        return EventTypes.KEY_COMMANDS.contains(type);
    }

    /** The token is a secret: never in a log line or an exception message. */
    @Override
    public String toString() {
        return "Command[source=" + source + ", id=" + id + ", type=" + type + ", guid=" + guid + "]";
    }
}
