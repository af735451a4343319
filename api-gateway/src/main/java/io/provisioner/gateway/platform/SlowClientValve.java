package io.provisioner.gateway.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Tomcat hands a request to a thread once its headers are in; the thread then blocks while the body
 * trickles in. So that a few callers sending bodies byte by byte cannot hold every thread, one address may
 * have only so many requests with a body in flight; the next is answered 429 in the CF envelope at once
 * and its connection closed without reading the body (no thread waits for it). Runs before
 * authentication: it protects the token endpoint too.
 */
final class SlowClientValve extends ValveBase {

    private static final byte[] REFUSAL = ("{\"description\":\"Too many requests with a body in flight from this "
            + "address; retry once they have been answered\",\"error_code\":\"CF-RateLimitExceeded\",\"code\":10013}")
            .getBytes(StandardCharsets.UTF_8);

    private final int maxPerAddress;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    SlowClientValve(int maxPerAddress) {
        super(true);
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (!hasBody(request)) {
            getNext().invoke(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        if (inFlight.merge(address, 1, Integer::sum) > maxPerAddress) {
            release(address);
            refuse(request, response);
            return;
        }
        try {
            getNext().invoke(request, response);
        } finally {
            release(address);
        }
    }

    private void release(String address) {
        inFlight.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
    }

    private static boolean hasBody(Request request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static void refuse(Request request, Response response) throws IOException {
        // Close the connection after the answer instead of draining a body that may never come.
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        response.setStatus(429);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.setContentLength(REFUSAL.length);
        response.getOutputStream().write(REFUSAL);
    }

    /** Requests with a body now in flight, for tests and metrics. */
    int inFlight() {
        return inFlight.values().stream().mapToInt(Integer::intValue).sum();
    }
}
