package io.provisioner.samplebroker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * How often each instance was called at each endpoint, for {@code fail_first_calls} and
 * {@code poll_script}. Memory only: a restarted broker counts afresh, which is what "fail the first N
 * calls" means to someone restarting it.
 */
@Component
class CallCounts {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Counts one more call and returns the count, from 1. */
    int next(String instanceId, String endpoint) {
        return counts.computeIfAbsent(endpoint + " " + instanceId, key -> new AtomicInteger()).incrementAndGet();
    }
}
