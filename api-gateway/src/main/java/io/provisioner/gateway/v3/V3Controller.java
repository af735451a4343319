package io.provisioner.gateway.v3;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.api.CfTime;
import io.provisioner.gateway.security.Callers;
import io.provisioner.gateway.security.Permissions;

/**
 * {@code /v3}, {@code /v3/organizations}, {@code /v3/spaces}, {@code /v3/isolation_segments} and the
 * isolation-segment relationships of an organization and a space. There are no isolation segments here:
 * those lists are empty and those relationships {@code null}.
 */
@RestController
class V3Controller {

    private static final int MAX_PER_PAGE = 5000;

    private final JdbcClient jdbc;
    private final Callers callers;
    private final Permissions permissions;

    V3Controller(JdbcClient jdbc, Callers callers, Permissions permissions) {
        this.jdbc = jdbc;
        this.callers = callers;
        this.permissions = permissions;
    }

    private static String base() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }

    @GetMapping("/v3")
    Map<String, Object> root() {
        String v3 = base() + "/v3";
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", href(v3));
        for (String resource : List.of("organizations", "spaces", "isolation_segments", "service_instances",
                "service_offerings", "service_plans", "service_brokers", "users", "roles", "feature_flags")) {
            links.put(resource, href(v3 + "/" + resource));
        }
        return Map.of("links", links);
    }

    @GetMapping("/v3/organizations")
    Map<String, Object> organizations(HttpServletRequest request) {
        V3Query query = V3Query.parse(request, Set.of("names", "guids"));
        StringBuilder where = new StringBuilder("TRUE");
        List<Object> params = new ArrayList<>();
        query.in("names", "name", where, params);
        query.in("guids", "guid", where, params);
        Permissions.Visibility visible = permissions.organizations(callers.current(), "guid");
        where.append(visible.condition());
        params.addAll(visible.params());
        return page(query, "/v3/organizations", "guid, name, created_at, updated_at", "organizations", where, params,
                this::organization);
    }

    @GetMapping("/v3/spaces")
    Map<String, Object> spaces(HttpServletRequest request) {
        V3Query query = V3Query.parse(request, Set.of("names", "guids", "organization_guids"));
        StringBuilder where = new StringBuilder("TRUE");
        List<Object> params = new ArrayList<>();
        query.in("names", "name", where, params);
        query.in("guids", "guid", where, params);
        query.in("organization_guids", "organization_guid", where, params);
        Permissions.Visibility visible = permissions.spaces(callers.current(), "guid", "organization_guid");
        where.append(visible.condition());
        params.addAll(visible.params());
        return page(query, "/v3/spaces", "guid, name, organization_guid, created_at, updated_at", "spaces", where,
                params, this::space);
    }

    @GetMapping("/v3/isolation_segments")
    Map<String, Object> isolationSegments(HttpServletRequest request) {
        V3Query query = V3Query.parse(request, Set.of("names", "guids", "organization_guids"));
        return V3Query.page(0, query, base() + "/v3/isolation_segments", List.of());
    }

    @GetMapping("/v3/organizations/{guid}/relationships/default_isolation_segment")
    ResponseEntity<Map<String, Object>> defaultIsolationSegment(@PathVariable String guid) {
        if (!exists("organizations", guid)) {
            return V3Error.answer(404, "CF-ResourceNotFound", 10010, "Organization not found");
        }
        try {
            permissions.requireOrganizationReader(callers.current(), guid);
        } catch (CfException e) {
            return V3Error.answer(404, "CF-ResourceNotFound", 10010, "Organization not found");
        }
        return ResponseEntity.ok(relationship(base() + "/v3/organizations/" + guid
                + "/relationships/default_isolation_segment"));
    }

    @GetMapping("/v3/spaces/{guid}/relationships/isolation_segment")
    ResponseEntity<Map<String, Object>> spaceIsolationSegment(@PathVariable String guid) {
        if (!exists("spaces", guid)) {
            return V3Error.answer(404, "CF-ResourceNotFound", 10010, "Space not found");
        }
        try {
            permissions.requireSpaceReader(callers.current(), guid);
        } catch (CfException e) {
            return V3Error.answer(404, "CF-ResourceNotFound", 10010, "Space not found");
        }
        return ResponseEntity.ok(relationship(base() + "/v3/spaces/" + guid + "/relationships/isolation_segment"));
    }

    /** A v3 read's own mistakes (a bad query) in v3's shape, not v2's. */
    @ExceptionHandler(V3Query.BadQuery.class)
    ResponseEntity<Map<String, Object>> badQuery(V3Query.BadQuery e) {
        return V3Error.answer(400, "CF-BadQueryParameter", 10005, e.getMessage());
    }

    private boolean exists(String table, String guid) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE guid = ?").param(guid).query(Long.class).single() > 0;
    }

    private static Map<String, Object> relationship(String self) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        body.put("links", Map.of("self", href(self)));
        return body;
    }

    private Map<String, Object> page(V3Query query, String path, String columns, String table, StringBuilder where,
            List<Object> params, org.springframework.jdbc.core.RowMapper<Map<String, Object>> rows) {
        long total = jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE " + where).params(params).query(Long.class)
                .single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(query.perPage());
        pageParams.add((long) (query.page() - 1) * query.perPage());
        List<Map<String, Object>> resources = jdbc.sql("SELECT " + columns + " FROM " + table + " WHERE " + where
                + " ORDER BY created_at, guid LIMIT ? OFFSET ?").params(pageParams).query(rows).list();
        return V3Query.page(total, query, base() + path, resources);
    }

    private Map<String, Object> organization(ResultSet rs, int n) throws SQLException {
        String guid = rs.getString("guid");
        String self = base() + "/v3/organizations/" + guid;
        Map<String, Object> org = common(rs);
        org.put("suspended", false);
        org.put("relationships", Map.of("quota", nullData()));
        org.put("metadata", metadata());
        org.put("links", Map.of("self", href(self), "domains", href(self + "/domains"),
                "default_domain", href(self + "/domains/default"), "quota", href(self + "/quota")));
        return org;
    }

    private Map<String, Object> space(ResultSet rs, int n) throws SQLException {
        String guid = rs.getString("guid");
        String org = rs.getString("organization_guid");
        String v3 = base() + "/v3";
        Map<String, Object> space = common(rs);
        space.put("relationships", Map.of("organization", Map.of("data", Map.of("guid", org)), "quota", nullData()));
        space.put("metadata", metadata());
        space.put("links", Map.of("self", href(v3 + "/spaces/" + guid), "organization", href(v3 + "/organizations/" + org),
                "features", href(v3 + "/spaces/" + guid + "/features"),
                "apply_manifest", Map.of("href", v3 + "/spaces/" + guid + "/actions/apply_manifest", "method", "POST")));
        return space;
    }

    private static Map<String, Object> common(ResultSet rs) throws SQLException {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("guid", rs.getString("guid"));
        String created = CfTime.format(rs.getObject("created_at", OffsetDateTime.class));
        String updated = CfTime.format(rs.getObject("updated_at", OffsetDateTime.class));
        resource.put("created_at", created);
        // v3 always has updated_at; a record never changed was last updated when it was made.
        resource.put("updated_at", updated != null ? updated : created);
        resource.put("name", rs.getString("name"));
        return resource;
    }

    private static Map<String, Object> nullData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data", null);
        return data;
    }

    private static Map<String, Object> metadata() {
        return Map.of("labels", Map.of(), "annotations", Map.of());
    }

    static Map<String, Object> href(String href) {
        return Map.of("href", href);
    }

    /** v3's list parameters: {@code page}, {@code per_page} (at most 5000) and comma-separated filters. */
    record V3Query(int page, int perPage, Map<String, List<String>> filters) {

        static final class BadQuery extends RuntimeException {
            BadQuery(String message) {
                super(message);
            }
        }

        static V3Query parse(HttpServletRequest request, Set<String> filterable) {
            Map<String, List<String>> filters = new LinkedHashMap<>();
            int page = 1;
            int perPage = 50;
            for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
                String name = parameter.getKey();
                String value = parameter.getValue()[parameter.getValue().length - 1];
                switch (name) {
                    case "page" -> page = positive(name, value, Integer.MAX_VALUE);
                    case "per_page" -> perPage = positive(name, value, MAX_PER_PAGE);
                    case "order_by" -> {
                        // One order here (oldest first); the parameter is accepted as clients send it.
                    }
                    default -> {
                        if (!filterable.contains(name)) {
                            throw new BadQuery("The query parameter is invalid: Unknown query parameter(s): '" + name
                                    + "'. Valid parameters are: " + String.join(", ", filterable.stream().sorted().toList()));
                        }
                        filters.put(name, Arrays.asList(value.split(",", -1)));
                    }
                }
            }
            return new V3Query(page, perPage, filters);
        }

        private static int positive(String name, String value, int max) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= 1 && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new BadQuery("The query parameter is invalid: " + name + " must be between 1 and " + max);
        }

        void in(String filter, String column, StringBuilder where, List<Object> params) {
            List<String> values = filters.get(filter);
            if (values != null) {
                where.append(" AND ").append(column).append(" IN (")
                        .append(String.join(", ", values.stream().map(v -> "?").toList())).append(')');
                params.addAll(values);
            }
        }

        static Map<String, Object> page(long total, V3Query query, String path, List<?> resources) {
            long pages = Math.max(1, (total + query.perPage() - 1) / query.perPage());
            Map<String, Object> pagination = new LinkedHashMap<>();
            pagination.put("total_results", total);
            pagination.put("total_pages", pages);
            pagination.put("first", href(query.url(path, 1)));
            pagination.put("last", href(query.url(path, pages)));
            pagination.put("next", query.page() < pages ? href(query.url(path, query.page() + 1)) : null);
            pagination.put("previous", query.page() > 1 ? href(query.url(path, query.page() - 1)) : null);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("pagination", pagination);
            body.put("resources", resources);
            return body;
        }

        private String url(String path, long targetPage) {
            StringBuilder url = new StringBuilder(path).append("?page=").append(targetPage).append("&per_page=")
                    .append(perPage);
            filters.forEach((name, values) -> url.append('&').append(name).append('=')
                    .append(java.net.URLEncoder.encode(String.join(",", values), java.nio.charset.StandardCharsets.UTF_8)));
            return url.toString();
        }
    }
}
