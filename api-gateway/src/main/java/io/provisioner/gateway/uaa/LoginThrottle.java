package io.provisioner.gateway.uaa;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UAA's lockout policy, per user and per caller address: after {@code failures} failed logins within
 * {@code window}, logins are refused until {@code period} has passed since the last failure. A
 * successful login clears the user's count (not the address's). Addresses are kept in a bounded map, so
 * a caller with many addresses cannot grow memory without limit.
 */
final class LoginThrottle {

    private static final int MAX_ADDRESSES = 10_000;

    private final TokenIssuerSettings.Lockout policy;
    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> users = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<Instant>> addresses = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Instant>> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    LoginThrottle(TokenIssuerSettings.Lockout policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** True when this user (a configured one, or null) or this address may not try now. */
    synchronized boolean locked(String username, String address) {
        Instant now = clock.instant();
        return (username != null && locked(users.get(username), policy.userFailures(), now))
                || locked(addresses.get(address), policy.addressFailures(), now);
    }

    /** A failed login: {@code username} is null when no configured user has that name. */
    synchronized void failed(String username, String address) {
        Instant now = clock.instant();
        if (username != null) {
            record(users.computeIfAbsent(username, u -> new ArrayDeque<>()), policy.userFailures(), now);
        }
        record(addresses.computeIfAbsent(address, a -> new ArrayDeque<>()), policy.addressFailures(), now);
    }

    synchronized void succeeded(String username) {
        users.remove(username);
    }

    private static void record(ArrayDeque<Instant> failures, int limit, Instant now) {
        failures.addLast(now);
        while (failures.size() > limit) {
            failures.removeFirst();
        }
    }

    private boolean locked(ArrayDeque<Instant> failures, int limit, Instant now) {
        return failures != null && failures.size() >= limit
                && failures.peekFirst().isAfter(now.minus(policy.countFailuresWithin()))
                && failures.peekLast().isAfter(now.minus(policy.lockoutPeriod()));
    }
}
