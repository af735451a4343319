package io.provisioner.worker.broker;

/**
 * One OSB request, ready to send to any broker: what {@link OsbCalls} built from an operation.
 *
 * @param path the path below the broker's URL, already encoded
 * @param query the query string without {@code ?}, already encoded; empty for none
 * @param body the JSON body, or null
 * @param requestIdentity sent as {@code X-Broker-API-Request-Identity}
 * @param originatingUserId sent as {@code X-Broker-API-Originating-Identity}, or null for none
 */
public record OsbCall(
        OsbEndpoint endpoint,
        String method,
        String path,
        String query,
        byte[] body,
        String requestIdentity,
        String originatingUserId) {

    /** The method and path, as named in descriptions and logs; the query stays out (it can be long). */
    public String describe() {
        return method + " " + path;
    }

    @Override
    public String toString() {
        return "OsbCall[" + describe() + ", requestIdentity=" + requestIdentity + "]";
    }
}
