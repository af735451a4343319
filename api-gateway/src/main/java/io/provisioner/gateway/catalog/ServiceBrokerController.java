package io.provisioner.gateway.catalog;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.api.SqlList;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.SecretSealer;

/**
 * {@code /v2/service_brokers}. Registering or updating fetches the broker's catalog first; when that
 * fails the caller gets the broker's error and nothing is stored. The password is sealed at rest and
 * never returned.
 */
@RestController
class ServiceBrokerController {

    private static final SqlList LIST = new SqlList("guid, name, broker_url, auth_username, created_at, updated_at",
            "service_brokers WHERE TRUE", Map.of("name", "name", "id", "created_at", "created_at", "created_at"), "guid");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final CatalogStore store;
    private final BrokerCatalogClient catalogs;
    private final SecretSealer sealer;
    private final TransactionTemplate transactions;
    private final Callers callers;
    private final Permissions permissions;

    ServiceBrokerController(JdbcClient jdbc, JsonMapper json, CatalogStore store, BrokerCatalogClient catalogs,
            SecretSealer sealer, TransactionTemplate transactions, Callers callers, Permissions permissions) {
        this.callers = callers;
        this.permissions = permissions;
        this.jdbc = jdbc;
        this.json = json;
        this.store = store;
        this.catalogs = catalogs;
        this.sealer = sealer;
        this.transactions = transactions;
    }

    @PostMapping("/v2/service_brokers")
    ResponseEntity<Resource<Map<String, Object>>> register(@RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        JsonBody request = JsonBody.parse(body, json);
        String name = request.requiredString("name");
        String url = request.requiredString("broker_url");
        String username = request.requiredString("auth_username");
        String password = request.requiredString("auth_password");
        validate(name, url, null);
        var catalog = catalogs.fetch(url, username, password);
        String guid;
        try {
            guid = store.insertBroker(name, url, username, sealer.seal(password), catalog);
        } catch (DuplicateKeyException e) {
            validate(name, url, null);
            throw e;
        }
        return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/v2/service_brokers/" + guid))
                .body(find(guid));
    }

    @PutMapping("/v2/service_brokers/{guid}")
    ResponseEntity<Resource<Map<String, Object>>> update(@PathVariable String guid,
            @RequestBody(required = false) byte[] body) {
        permissions.requireAdmin(callers.current());
        JsonBody request = JsonBody.parse(body, json);
        var current = jdbc.sql("SELECT name, broker_url, auth_username, auth_password_sealed FROM service_brokers WHERE guid = ?")
                .param(guid).query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4)}).optional()
                .orElseThrow(() -> notFound(guid));
        String name = request.has("name") ? request.string("name") : current[0];
        String url = request.has("broker_url") ? request.string("broker_url") : current[1];
        String username = request.has("auth_username") ? request.string("auth_username") : current[2];
        String password = request.has("auth_password") ? request.string("auth_password") : sealer.open(current[3]);
        validate(name, url, guid);
        var catalog = catalogs.fetch(url, username, password);
        try {
            store.updateBroker(guid, name, url, username, sealer.seal(password), catalog);
        } catch (DuplicateKeyException e) {
            validate(name, url, guid);
            throw e;
        }
        return ResponseEntity.ok(find(guid));
    }

    @DeleteMapping("/v2/service_brokers/{guid}")
    ResponseEntity<Void> delete(@PathVariable String guid) {
        permissions.requireAdmin(callers.current());
        get(guid);
        transactions.executeWithoutResult(tx -> {
            long instances = jdbc.sql("""
                    SELECT COUNT(*) FROM service_instances i JOIN service_plans p ON p.guid = i.service_plan_guid
                    JOIN services s ON s.guid = p.service_guid WHERE s.service_broker_guid = ?""")
                    .param(guid).query(Long.class).single();
            if (instances > 0) {
                throw CfError.SERVICE_BROKER_NOT_REMOVABLE.exception(
                        "Can not remove brokers that have associated service instances: " + guid);
            }
            jdbc.sql("DELETE FROM service_plans WHERE service_guid IN (SELECT guid FROM services WHERE service_broker_guid = ?)")
                    .param(guid).update();
            jdbc.sql("DELETE FROM services WHERE service_broker_guid = ?").param(guid).update();
            jdbc.sql("DELETE FROM service_brokers WHERE guid = ?").param(guid).update();
        });
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/v2/service_brokers")
    Page<Resource<Map<String, Object>>> list(HttpServletRequest request) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name"), List.of("id", "name", "created_at"));
        Permissions.Visibility visible = permissions.brokers(callers.current());
        return LIST.and(visible.condition())
                .page(jdbc, query, visible.params(), "/v2/service_brokers", ServiceBrokerController::row, r -> r);
    }

    @GetMapping("/v2/service_brokers/{guid}")
    Resource<Map<String, Object>> get(@PathVariable String guid) {
        Resource<Map<String, Object>> broker = find(guid);
        if (!callers.current().readsEverything()) {
            permissions.requireAdmin(callers.current());
        }
        return broker;
    }

    private Resource<Map<String, Object>> find(String guid) {
        return jdbc.sql("SELECT guid, name, broker_url, auth_username, created_at, updated_at FROM service_brokers WHERE guid = ?")
                .param(guid).query(ServiceBrokerController::row).optional().orElseThrow(() -> notFound(guid));
    }

    private void validate(String name, String url, String self) {
        if (name.isBlank() || name.length() > 255) {
            throw CfError.SERVICE_BROKER_INVALID.exception("Service broker is invalid: name must be 1 to 255 characters");
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw CfError.SERVICE_BROKER_URL_INVALID.exception(url + " is not a valid URL");
            }
            if (uri.getUserInfo() != null) {
                throw CfError.SERVICE_BROKER_URL_BASIC_AUTH_NOT_SUPPORTED.exception(
                        "User name and password fields in the broker URI are not supported");
            }
        } catch (URISyntaxException e) {
            throw CfError.SERVICE_BROKER_URL_INVALID.exception(url + " is not a valid URL");
        }
        if (taken("name", name, self)) {
            throw CfError.SERVICE_BROKER_NAME_TAKEN.exception("The service broker name is taken");
        }
        if (taken("broker_url", url, self)) {
            throw CfError.SERVICE_BROKER_URL_TAKEN.exception("The service broker url is taken: " + url);
        }
    }

    private boolean taken(String column, String value, String self) {
        return jdbc.sql("SELECT COUNT(*) FROM service_brokers WHERE " + column + " = ? AND guid <> ?")
                .params(value, self == null ? "" : self).query(Long.class).single() > 0;
    }

    private static RuntimeException notFound(String guid) {
        return CfError.SERVICE_BROKER_NOT_FOUND.exception("The service broker was not found: " + guid);
    }

    static Resource<Map<String, Object>> row(ResultSet rs, int n) throws SQLException {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("name", rs.getString("name"));
        entity.put("broker_url", rs.getString("broker_url"));
        entity.put("auth_username", rs.getString("auth_username"));
        entity.put("space_guid", null);
        return new Resource<>(Resource.metadata("/v2/service_brokers", rs), entity);
    }
}
