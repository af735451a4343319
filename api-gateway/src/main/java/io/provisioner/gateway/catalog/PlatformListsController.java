package io.provisioner.gateway.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.ListQuery;
import io.provisioner.gateway.api.Page;
import io.provisioner.gateway.api.Resource;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;

/**
 * What a Cloud Foundry platform has around organizations and spaces but Provisioner does not run: apps,
 * domains and security groups (always empty lists) and quotas (one default quota every organization has).
 * The cf CLI's {@code cf org} and {@code cf space} read them to print their summaries.
 */
@RestController
class PlatformListsController {

    /** The one quota every organization has (Cloud Controller gives every organization one). */
    static final String DEFAULT_QUOTA_GUID = UUID.nameUUIDFromBytes("provisioner:quota:default".getBytes(
            java.nio.charset.StandardCharsets.UTF_8)).toString();
    private static final String DEFAULT_QUOTA_CREATED_AT = "2026-01-01T00:00:00Z";

    private final JdbcClient jdbc;
    private final Callers callers;
    private final Permissions permissions;

    PlatformListsController(JdbcClient jdbc, Callers callers, Permissions permissions) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.permissions = permissions;
    }

    @GetMapping({"/v2/shared_domains", "/v2/apps"})
    Page<Object> everyoneSeesNothing(HttpServletRequest request) {
        callers.current();
        return empty(request, List.of("name", "space_guid", "organization_guid"));
    }

    @GetMapping("/v2/organizations/{guid}/private_domains")
    Page<Object> privateDomains(@PathVariable String guid, HttpServletRequest request) {
        if (jdbc.sql("SELECT COUNT(*) FROM organizations WHERE guid = ?").param(guid).query(Long.class).single() == 0) {
            throw CfError.ORGANIZATION_NOT_FOUND.exception("The organization could not be found: " + guid);
        }
        permissions.requireOrganizationReader(callers.current(), guid);
        return empty(request, List.of("name"));
    }

    @GetMapping({"/v2/spaces/{guid}/apps", "/v2/spaces/{guid}/security_groups",
            "/v2/spaces/{guid}/staging_security_groups"})
    Page<Object> ofSpace(@PathVariable String guid, HttpServletRequest request) {
        if (jdbc.sql("SELECT COUNT(*) FROM spaces WHERE guid = ?").param(guid).query(Long.class).single() == 0) {
            throw CfError.SPACE_NOT_FOUND.exception("The app space could not be found: " + guid);
        }
        permissions.requireSpaceReader(callers.current(), guid);
        return empty(request, List.of("name"));
    }

    @GetMapping("/v2/quota_definitions")
    Page<Resource<Map<String, Object>>> quotas(HttpServletRequest request) {
        callers.current();
        ListQuery query = ListQuery.parse(request.getParameterMap(), List.of("name"), List.of("id"));
        boolean matches = query.filters().stream().allMatch(f -> f.values().contains("default"));
        return Page.of(matches ? 1 : 0, query, "/v2/quota_definitions",
                matches && query.page() == 1 ? List.of(defaultQuota()) : List.of());
    }

    @GetMapping("/v2/quota_definitions/{guid}")
    Resource<Map<String, Object>> quota(@PathVariable String guid) {
        callers.current();
        if (!DEFAULT_QUOTA_GUID.equals(guid)) {
            throw CfError.QUOTA_DEFINITION_NOT_FOUND.exception("Quota Definition could not be found: " + guid);
        }
        return defaultQuota();
    }

    private static Resource<Map<String, Object>> defaultQuota() {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("name", "default");
        entity.put("non_basic_services_allowed", true);
        entity.put("total_services", -1);
        entity.put("total_routes", 0);
        entity.put("total_private_domains", 0);
        entity.put("memory_limit", 0);
        entity.put("trial_db_allowed", false);
        entity.put("instance_memory_limit", 0);
        entity.put("app_instance_limit", 0);
        entity.put("app_task_limit", 0);
        entity.put("total_service_keys", -1);
        entity.put("total_reserved_route_ports", 0);
        return new Resource<>(new Resource.Metadata(DEFAULT_QUOTA_GUID, "/v2/quota_definitions/" + DEFAULT_QUOTA_GUID,
                DEFAULT_QUOTA_CREATED_AT, null), entity);
    }

    private static Page<Object> empty(HttpServletRequest request, List<String> filterable) {
        ListQuery query = ListQuery.parse(request.getParameterMap(), filterable, List.of("id", "name"));
        return Page.of(0, query, request.getRequestURI(), List.of());
    }
}
