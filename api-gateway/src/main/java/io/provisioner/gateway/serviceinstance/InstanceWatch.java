package io.provisioner.gateway.serviceinstance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.events.ChangeFeed;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.EventTypes;
import io.provisioner.schemas.OperationState;

/**
 * Callers who wait instead of polling: {@code GET /v2/service_instances/:guid?wait=N} and the event
 * stream {@code GET /v2/service_instances/:guid/events}. Neither holds a thread while it waits: the
 * request is asynchronous (Servlet async), and the {@link ChangeFeed} wakes it when the instance's public
 * event arrives, whichever gateway made the change.
 */
@Component
class InstanceWatch implements DisposableBean {

    static final int MAX_WAIT_SECONDS = 60;
    /** An event stream ends at the latest after this; a client reconnects with Last-Event-ID. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);
    private static final Set<String> OVER = Set.of(EventTypes.SERVICE_INSTANCE_SUCCEEDED,
            EventTypes.SERVICE_INSTANCE_FAILED, EventTypes.SERVICE_INSTANCE_DELETED, EventTypes.SERVICE_INSTANCE_UPDATED);

    private final ChangeFeed feed;
    private final ServiceInstances instances;
    private final Permissions permissions;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    /** Writes to event streams, off the feed's thread (a slow client must not hold up the feed). */
    private final ExecutorService streams = new ThreadPoolExecutor(1, 2, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "event-streams");
                thread.setDaemon(true);
                return thread;
            });

    InstanceWatch(ChangeFeed feed, ServiceInstances instances, Permissions permissions, JdbcClient jdbc, JsonMapper json) {
        this.feed = feed;
        this.instances = instances;
        this.permissions = permissions;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** {@code wait}: whole seconds, 0 &lt; N &le; 60. */
    static Duration waitFor(String wait) {
        try {
            int seconds = Integer.parseInt(wait);
            if (seconds > 0 && seconds <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CfError.BAD_QUERY_PARAMETER.exception("The query parameter is invalid: wait must be a whole number of "
                + "seconds from 1 to " + MAX_WAIT_SECONDS);
    }

    /**
     * The instance once its current operation leaves {@code in progress}, or after {@code wait} as it is
     * then. {@code current} was read (and the caller's access checked) before.
     */
    DeferredResult<Object> await(ServiceInstanceRecord current, Duration wait) {
        String guid = current.guid();
        String operationId = current.operationId();
        DeferredResult<Object> result = new DeferredResult<>(wait.toMillis());
        ChangeFeed.Subscription subscription = feed.subscribe(guid, event -> {
            var data = event.data();
            if (data.operation() == null || !operationId.equals(data.operation().id())
                    || !data.operation().state().terminal()) {
                return;
            }
            if (EventTypes.SERVICE_INSTANCE_DELETED.equals(event.type())) {
                result.setErrorResult(notFound(guid));
            } else {
                result.setResult(data.instance());
            }
        });
        result.onCompletion(subscription::cancel);
        result.onTimeout(() -> answerAsItIs(result, guid));
        // Subscribed first: a change committed before the subscription shows in this read.
        ServiceInstanceRecord now = instances.find(guid).orElse(null);
        if (now == null || !now.operationId().equals(operationId) || now.operationState() != OperationState.IN_PROGRESS) {
            answerAsItIs(result, guid);
        }
        return result;
    }

    private void answerAsItIs(DeferredResult<Object> result, String guid) {
        Optional<ServiceInstanceRecord> now = instances.find(guid);
        if (now.isPresent()) {
            result.setResult(ServiceInstanceView.of(now.get(), json));
        } else {
            result.setErrorResult(notFound(guid));
        }
    }

    /**
     * The instance's public events as server-sent events ({@code id} = version, {@code event} = the short
     * type, {@code data} = the event), from {@code lastEventId} on, else from the start of its current
     * operation; the stream ends once the current operation is over. Readable by whoever may read the
     * instance; after its deletion, by whoever could read its space.
     */
    SseEmitter stream(String guid, Caller caller, String lastEventId) {
        Optional<ServiceInstanceRecord> instance = instances.find(guid);
        String space = instance.map(ServiceInstanceRecord::spaceGuid).or(() -> lastKnownSpace(guid))
                .orElseThrow(() -> notFound(guid));
        permissions.requireSpaceReader(caller, space);
        long after = lastEventId == null ? startOfCurrentOperation(guid) : version(lastEventId);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        Stream stream = new Stream(guid, emitter, after, instance.map(i -> i.operationState() == OperationState.IN_PROGRESS)
                .orElse(false));
        ChangeFeed.Subscription subscription = feed.subscribe(guid, event -> streams.execute(stream::catchUp));
        emitter.onCompletion(subscription::cancel);
        emitter.onTimeout(emitter::complete);
        emitter.onError(e -> subscription.cancel());
        streams.execute(stream::catchUp);
        return emitter;
    }

    private static long version(String lastEventId) {
        try {
            long version = Long.parseLong(lastEventId.trim());
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CfError.INVALID_REQUEST.exception("The request is invalid: Last-Event-ID must be an event's id (a version)");
    }

    private long startOfCurrentOperation(String guid) {
        return jdbc.sql("""
                SELECT COALESCE(MIN(version), 1) - 1 FROM instance_events WHERE instance_guid = ? AND operation_id =
                  (SELECT operation_id FROM instance_events WHERE instance_guid = ? ORDER BY version DESC LIMIT 1)""")
                .params(guid, guid).query(Long.class).single();
    }

    @SuppressWarnings("unchecked")
    private Optional<String> lastKnownSpace(String guid) {
        return jdbc.sql("SELECT payload FROM instance_events WHERE instance_guid = ? ORDER BY version DESC LIMIT 1")
                .param(guid).query(String.class).optional()
                .map(payload -> json.readTree(payload).at("/data/instance/entity/space_guid").asString(null));
    }

    /** One open stream: sends what it has not sent yet, in version order, whoever calls. */
    private final class Stream {

        private final String guid;
        private final SseEmitter emitter;
        private final boolean inProgressAtStart;
        private long sent;
        private boolean done;

        Stream(String guid, SseEmitter emitter, long after, boolean inProgressAtStart) {
            this.guid = guid;
            this.emitter = emitter;
            this.sent = after;
            this.inProgressAtStart = inProgressAtStart;
        }

        synchronized void catchUp() {
            if (done) {
                return;
            }
            List<Map<String, Object>> rows = jdbc.sql("""
                    SELECT version, event_type, payload FROM instance_events
                    WHERE instance_guid = ? AND version > ? ORDER BY version""")
                    .params(guid, sent).query().listOfRows();
            String last = null;
            try {
                for (Map<String, Object> row : rows) {
                    long version = ((Number) row.get("version")).longValue();
                    String type = (String) row.get("event_type");
                    emitter.send(SseEmitter.event().id(Long.toString(version)).name(shortType(type))
                            .data(row.get("payload"), MediaType.APPLICATION_JSON));
                    sent = version;
                    last = type;
                }
            } catch (IOException | IllegalStateException e) {
                done = true;
                return;
            }
            boolean nothingToWaitFor = last == null && sent == 0 && !inProgressAtStart;
            if ((last != null && OVER.contains(last)) || nothingToWaitFor) {
                done = true;
                emitter.complete();
            }
        }
    }

    private static String shortType(String type) {
        String withoutVersion = type.substring(0, type.lastIndexOf('.'));
        return withoutVersion.substring(withoutVersion.lastIndexOf('.') + 1);
    }

    private static RuntimeException notFound(String guid) {
        return CfError.SERVICE_INSTANCE_NOT_FOUND.exception("The service instance could not be found: " + guid);
    }

    @Override
    public void destroy() {
        streams.shutdownNow();
    }
}
