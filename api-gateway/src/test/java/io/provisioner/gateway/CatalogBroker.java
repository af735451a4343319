package io.provisioner.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint answering {@code GET /v2/catalog} like a broker (basic auth {@code user:pass}),
 * for the gateway's own tests; the end-to-end tests use the sample broker. It also answers
 * {@code GET /v2/service_instances/:id} (instance retrieval) and {@code GET
 * /v2/service_instances/:id/service_bindings/:binding_id} (binding retrieval: answer {@code
 * "<id>/service_bindings/<binding_id>"}) as a test sets it, by default with empty parameters, and remembers
 * what it was asked.
 */
public final class CatalogBroker {

    public static final String SERVICE_ID = "svc-1";
    public static final String SYNC_PLAN_ID = "plan-sync";
    public static final String ASYNC_PLAN_ID = "plan-async";
    public static final String FIXED_PLAN_ID = "plan-fixed";
    public static final String OTHER_FIXED_PLAN_ID = "plan-fixed-2";

    static final String CATALOG = """
            {"services": [
              {"id": "svc-1", "name": "test-db", "description": "A test database", "bindable": false,
               "plan_updateable": true, "instances_retrievable": true, "tags": ["test"],
               "plans": [
                 {"id": "plan-sync", "name": "small", "description": "Small", "free": true},
                 {"id": "plan-async", "name": "large", "description": "Large", "free": false,
                  "maximum_polling_duration": 600, "maintenance_info": {"version": "1.0.0"}}
               ]},
              {"id": "svc-2", "name": "test-queue", "description": "A test queue", "bindable": true,
               "plan_updateable": false, "bindings_retrievable": true, "tags": [],
               "plans": [
                 {"id": "plan-fixed", "name": "fixed", "description": "Cannot change", "free": true},
                 {"id": "plan-fixed-2", "name": "fixed-2", "description": "Cannot change either", "free": true}
               ]}
            ]}""";

    /** One fetch of an instance as the broker received it. */
    public record Fetch(String path, String query, Map<String, String> headers) {
    }

    private record Reply(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Reply> instanceReplies = new ConcurrentHashMap<>();
    private final Map<String, List<Fetch>> fetches = new ConcurrentHashMap<>();

    private CatalogBroker(HttpServer server) {
        this.server = server;
    }

    static CatalogBroker start() {
        return start(200, CATALOG);
    }

    /** A broker answering its catalog request with this status and body. */
    static CatalogBroker start(int status, String catalog) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v2/catalog", exchange -> {
                boolean authorized = "Basic dXNlcjpwYXNz".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        && "2.17".equals(exchange.getRequestHeaders().getFirst("X-Broker-API-Version"));
                byte[] body = (authorized ? catalog : "{}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(authorized ? status : 401, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            CatalogBroker broker = new CatalogBroker(server);
            server.createContext("/v2/service_instances/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring("/v2/service_instances/".length());
                Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
                broker.fetches.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                        .add(new Fetch(path, exchange.getRequestURI().getRawQuery(), headers));
                boolean authorized = "Basic dXNlcjpwYXNz".equals(headers.get("Authorization"))
                        && "2.17".equals(headers.get("X-Broker-API-Version"));
                Reply reply = authorized && exchange.getRequestMethod().equals("GET")
                        ? broker.instanceReplies.getOrDefault(id, new Reply(200, "{\"parameters\": {}}"))
                        : new Reply(401, "{}");
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the broker answers a fetch of this instance from now on. */
    public void answerFetch(String instanceId, int status, String body) {
        instanceReplies.put(instanceId, new Reply(status, body));
    }

    /** The fetches of this instance the broker received, oldest first. */
    public List<Fetch> fetchesOf(String instanceId) {
        return List.copyOf(fetches.getOrDefault(instanceId, List.of()));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }
}
