package io.provisioner.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint answering {@code GET /v2/catalog} like a broker (basic auth {@code user:pass}),
 * for the gateway's own tests; the end-to-end tests use the sample broker.
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
               "plan_updateable": false, "tags": [],
               "plans": [
                 {"id": "plan-fixed", "name": "fixed", "description": "Cannot change", "free": true},
                 {"id": "plan-fixed-2", "name": "fixed-2", "description": "Cannot change either", "free": true}
               ]}
            ]}""";

    private final HttpServer server;

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
            server.start();
            return new CatalogBroker(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }
}
