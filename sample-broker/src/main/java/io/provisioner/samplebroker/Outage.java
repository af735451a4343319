package io.provisioner.samplebroker;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The broker switched broken at runtime, and healed again ({@code PUT}/{@code DELETE /admin/outage}, which
 * takes an optional {@code instance_id} to end only the outages naming that instance): while one lasts, instance requests ({@code /v2/service_instances/**}) are answered with an error, optionally
 * only some methods or some instances, optionally late (past a platform's read timeout: "unreachable").
 * The catalog keeps working. Unlike the per-request overrides, it can break what is already there (a
 * platform's clean-up DELETE, say) and be lifted while the platform keeps trying.
 */
@Component
class Outage {

    /**
     * @param status the status every affected request is answered with
     * @param methods the HTTP methods affected; empty means all
     * @param instanceIds the instances affected; empty means all
     * @param answerDelayMs how long to wait before answering
     */
    record Settings(int status, Set<String> methods, Set<String> instanceIds, long answerDelayMs) {

        Settings {
            if (status < 400 || status > 599) {
                throw BrokerException.badRequest("status must be from 400 to 599; was " + status);
            }
            if (answerDelayMs < 0 || answerDelayMs > 600_000) {
                throw BrokerException.badRequest("answer_delay_ms must be from 0 to 600000; was " + answerDelayMs);
            }
            methods = methods == null ? Set.of()
                    : methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
            instanceIds = instanceIds == null ? Set.of() : Set.copyOf(instanceIds);
        }

        static Settings of(Integer status, List<String> methods, List<String> instanceIds, Long answerDelayMs) {
            return new Settings(status == null ? 500 : status, methods == null ? null : Set.copyOf(methods),
                    instanceIds == null ? null : Set.copyOf(instanceIds), answerDelayMs == null ? 0 : answerDelayMs);
        }

        boolean affects(String method, String instanceId) {
            return (methods.isEmpty() || methods.contains(method))
                    && (instanceIds.isEmpty() || instanceIds.contains(instanceId));
        }
    }

    /** Outages add up (tests running side by side each break their own instances); the first match answers. */
    private final List<Settings> current = new CopyOnWriteArrayList<>();

    void begin(Settings settings) {
        current.add(settings);
    }

    /** Ends every outage, or (with an instance id) the outages that name that instance. */
    void end(String instanceId) {
        if (instanceId == null) {
            current.clear();
        } else {
            current.removeIf(settings -> settings.instanceIds().contains(instanceId));
        }
    }

    /** The failure to answer this request with, or null when no outage touches it. */
    BrokerException failure(String method, String instanceId) {
        Settings settings = current.stream().filter(s -> s.affects(method, instanceId)).findFirst().orElse(null);
        if (settings == null) {
            return null;
        }
        if (settings.answerDelayMs() > 0) {
            try {
                Thread.sleep(settings.answerDelayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new BrokerException(HttpStatus.valueOf(settings.status()), "SampleBrokerOutage",
                "The sample broker is switched broken (PUT /admin/outage).");
    }
}
