package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cf CLI v6's admin commands as the plain HTTP calls it makes (in its order, as {@code CF_TRACE=true}
 * shows them), each call checked for the status the CLI needs to carry on. One session is one logged-in user.
 */
final class CfCli {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String api;
    private final String token;
    /** Every call made, {@code METHOD path -> status}, for the assertion messages. */
    final List<String> trace = new ArrayList<>();

    private CfCli(String api, String token) {
        this.api = api;
        this.token = token;
    }

    /** {@code cf api} + {@code cf auth}: discovery, then UAA's password grant with client {@code cf} and no secret. */
    static CfCli login(String api, String username, String password) {
        assertThat(raw(api, "GET", "/v2/info", null, null).status()).isEqualTo(200);
        Reply token = raw(api, "POST", "/oauth/token", "Basic " + Base64.getEncoder().encodeToString("cf:".getBytes()),
                "grant_type=password&username=" + enc(username) + "&password=" + enc(password));
        assertThat(token.status()).as(token.text()).isEqualTo(200);
        return new CfCli(api, token.json().get("access_token").asString());
    }

    record Reply(int status, String text) {
        JsonNode json() {
            return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        }
    }

    Reply call(String method, String path, Object body) {
        Reply reply = raw(api, method, path, "bearer " + token, body == null ? null : JSON.writeValueAsString(body));
        trace.add(method + " " + path + " -> " + reply.status());
        return reply;
    }

    /** A call the CLI needs to succeed with this status; its JSON. */
    JsonNode expect(int status, String method, String path, Object body) {
        Reply reply = call(method, path, body);
        assertThat(reply.status()).as(method + " " + path + ": " + reply.text() + "\n" + String.join("\n", trace))
                .isEqualTo(status);
        return reply.json();
    }

    private static Reply raw(String api, String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Content-Type", path.equals("/oauth/token") ? "application/x-www-form-urlencoded"
                        : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String guid(JsonNode resource) {
        return resource.at("/metadata/guid").asString();
    }

    String orgGuid(String name) {
        JsonNode orgs = expect(200, "GET", "/v2/organizations?q=" + enc("name:" + name), null);
        assertThat(orgs.get("total_results").asInt()).as("org " + name).isEqualTo(1);
        return guid(orgs.at("/resources/0"));
    }

    String spaceGuid(String org, String name) {
        JsonNode spaces = expect(200, "GET", "/v2/spaces?q=" + enc("name:" + name) + "&q="
                + enc("organization_guid:" + org), null);
        assertThat(spaces.get("total_results").asInt()).as("space " + name).isEqualTo(1);
        return guid(spaces.at("/resources/0"));
    }

    /** {@code cf create-org NAME}: the org, then the caller as its manager by name. */
    String createOrg(String name, String me) {
        String org = guid(expect(201, "POST", "/v2/organizations", Map.of("name", name)));
        expect(201, "PUT", "/v2/organizations/" + org + "/managers", Map.of("username", me));
        return org;
    }

    /** {@code cf create-space NAME -o ORG}: the space, then the caller as org user, space manager and developer. */
    String createSpace(String name, String orgName, String me) {
        String org = orgGuid(orgName);
        String space = guid(expect(201, "POST", "/v2/spaces", Map.of("name", name, "organization_guid", org)));
        expect(201, "PUT", "/v2/organizations/" + org + "/users", Map.of("username", me));
        expect(201, "PUT", "/v2/spaces/" + space + "/managers", Map.of("username", me));
        expect(201, "PUT", "/v2/spaces/" + space + "/developers", Map.of("username", me));
        return space;
    }

    /** {@code cf create-user NAME PASSWORD}: UAA's SCIM create, then the Cloud Controller user by UAA's id. */
    String createUser(String name, String password) {
        String id = expect(201, "POST", "/Users", Map.of("userName", name, "password", password, "origin", "uaa",
                "name", Map.of("familyName", name, "givenName", name),
                "emails", List.of(Map.of("value", name, "primary", true)))).get("id").asString();
        expect(201, "POST", "/v2/users", Map.of("guid", id));
        return id;
    }

    /** {@code cf set-org-role USER ORG ROLE}: by name while {@code set_roles_by_username} is on. */
    void setOrgRole(String user, String orgName, String rolePath) {
        assertThat(expect(200, "GET", "/v2/config/feature_flags/set_roles_by_username", null).get("enabled")
                .asBoolean()).isTrue();
        expect(201, "PUT", "/v2/organizations/" + orgGuid(orgName) + "/" + rolePath, Map.of("username", user));
    }

    /** {@code cf set-space-role USER ORG SPACE ROLE}: the user into the org first, then the space role, by name. */
    void setSpaceRole(String user, String orgName, String spaceName, String rolePath) {
        assertThat(expect(200, "GET", "/v2/config/feature_flags/set_roles_by_username", null).get("enabled")
                .asBoolean()).isTrue();
        String org = orgGuid(orgName);
        String space = spaceGuid(org, spaceName);
        expect(201, "PUT", "/v2/organizations/" + org + "/users", Map.of("username", user));
        expect(201, "PUT", "/v2/spaces/" + space + "/" + rolePath, Map.of("username", user));
    }

    /** {@code cf unset-org-role}: by name while {@code unset_roles_by_username} is on. */
    void unsetOrgRole(String user, String orgName, String rolePath) {
        assertThat(expect(200, "GET", "/v2/config/feature_flags/unset_roles_by_username", null).get("enabled")
                .asBoolean()).isTrue();
        expect(204, "DELETE", "/v2/organizations/" + orgGuid(orgName) + "/" + rolePath, Map.of("username", user));
    }

    /** {@code cf unset-space-role} the way older CLIs do it: UAA finds the user's id, then the role goes by guid. */
    void unsetSpaceRoleByGuid(String user, String orgName, String spaceName, String rolePath) {
        JsonNode found = expect(200, "GET", "/Users?filter=" + enc("userName eq \"" + user + "\""), null);
        assertThat(found.get("totalResults").asInt()).isEqualTo(1);
        String space = spaceGuid(orgGuid(orgName), spaceName);
        expect(204, "DELETE", "/v2/spaces/" + space + "/" + rolePath + "/" + found.at("/resources/0/id").asString(),
                null);
    }

    /** {@code cf org-users ORG} (with {@code -a} for every user): role name to user names. */
    Map<String, List<String>> orgUsers(String orgName) {
        String org = orgGuid(orgName);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (String role : List.of("managers", "billing_managers", "auditors", "users")) {
            roles.put(role, usernames(expect(200, "GET", "/v2/organizations/" + org + "/" + role, null)));
        }
        return roles;
    }

    /** {@code cf space-users ORG SPACE}. */
    Map<String, List<String>> spaceUsers(String orgName, String spaceName) {
        String space = spaceGuid(orgGuid(orgName), spaceName);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (String role : List.of("managers", "developers", "auditors")) {
            roles.put(role, usernames(expect(200, "GET", "/v2/spaces/" + space + "/" + role, null)));
        }
        return roles;
    }

    private static List<String> usernames(JsonNode page) {
        return page.get("resources").valueStream().map(r -> r.at("/entity/username").asString()).toList();
    }

    private JsonNode plan(String serviceLabel, String planName) {
        String service = guid(expect(200, "GET", "/v2/services?q=" + enc("label:" + serviceLabel), null)
                .at("/resources/0"));
        for (JsonNode plan : expect(200, "GET", "/v2/service_plans?q=" + enc("service_guid:" + service), null)
                .get("resources")) {
            if (plan.at("/entity/name").asString().equals(planName)) {
                return plan;
            }
        }
        throw new AssertionError("no plan " + planName + " of " + serviceLabel + "\n" + String.join("\n", trace));
    }

    /** {@code cf enable-service-access SERVICE -p PLAN [-o ORG]}. */
    void enableServiceAccess(String serviceLabel, String planName, String orgName) {
        String plan = guid(plan(serviceLabel, planName));
        if (orgName == null) {
            expect(201, "PUT", "/v2/service_plans/" + plan, Map.of("public", true));
            return;
        }
        String org = orgGuid(orgName);
        JsonNode existing = expect(200, "GET", "/v2/service_plan_visibilities?q=" + enc("service_plan_guid:" + plan)
                + "&q=" + enc("organization_guid:" + org), null);
        if (existing.get("total_results").asInt() == 0) {
            expect(201, "POST", "/v2/service_plan_visibilities", Map.of("service_plan_guid", plan,
                    "organization_guid", org));
        }
    }

    /** {@code cf disable-service-access SERVICE -p PLAN [-o ORG]}. */
    void disableServiceAccess(String serviceLabel, String planName, String orgName) {
        String plan = guid(plan(serviceLabel, planName));
        if (orgName == null) {
            expect(201, "PUT", "/v2/service_plans/" + plan, Map.of("public", false));
            return;
        }
        String org = orgGuid(orgName);
        for (JsonNode visibility : expect(200, "GET", "/v2/service_plan_visibilities?q="
                + enc("service_plan_guid:" + plan) + "&q=" + enc("organization_guid:" + org), null).get("resources")) {
            expect(204, "DELETE", "/v2/service_plan_visibilities/" + guid(visibility), null);
        }
    }

    /** {@code cf service-access}: per plan of the service, {@code all}, {@code none} or the org names it is limited to. */
    Map<String, String> serviceAccess(String serviceLabel) {
        expect(200, "GET", "/v2/service_brokers", null);
        String service = guid(expect(200, "GET", "/v2/services?q=" + enc("label:" + serviceLabel), null)
                .at("/resources/0"));
        Map<String, String> access = new LinkedHashMap<>();
        for (JsonNode plan : expect(200, "GET", "/v2/service_plans?q=" + enc("service_guid:" + service), null)
                .get("resources")) {
            if (plan.at("/entity/public").asBoolean()) {
                access.put(plan.at("/entity/name").asString(), "all");
                continue;
            }
            List<String> orgs = new ArrayList<>();
            for (JsonNode visibility : expect(200, "GET", "/v2/service_plan_visibilities?q="
                    + enc("service_plan_guid:" + guid(plan)), null).get("resources")) {
                orgs.add(expect(200, "GET", "/v2/organizations/" + visibility.at("/entity/organization_guid").asString(),
                        null).at("/entity/name").asString());
            }
            access.put(plan.at("/entity/name").asString(), orgs.isEmpty() ? "none" : "limited: " + String.join(",", orgs));
        }
        return access;
    }

    /** {@code cf marketplace} with a space targeted: the services usable there and their plans' names. */
    List<String> marketplace(String spaceGuid) {
        List<String> offered = new ArrayList<>();
        for (JsonNode service : expect(200, "GET", "/v2/spaces/" + spaceGuid + "/services", null).get("resources")) {
            for (JsonNode plan : expect(200, "GET", "/v2/service_plans?q=" + enc("service_guid:" + guid(service)), null)
                    .get("resources")) {
                offered.add(service.at("/entity/label").asString() + "/" + plan.at("/entity/name").asString());
            }
        }
        return offered;
    }

    /** {@code cf create-service SERVICE PLAN NAME} in a space: the answer to the create itself. */
    Reply createService(String spaceGuid, String serviceLabel, String planName, String name) {
        JsonNode services = expect(200, "GET", "/v2/spaces/" + spaceGuid + "/services?q=" + enc("label:" + serviceLabel),
                null);
        String plan = null;
        if (services.get("total_results").asInt() > 0) {
            for (JsonNode candidate : expect(200, "GET", "/v2/services/" + guid(services.at("/resources/0"))
                    + "/service_plans", null).get("resources")) {
                if (candidate.at("/entity/name").asString().equals(planName)) {
                    plan = guid(candidate);
                }
            }
        }
        if (plan == null) {
            return new Reply(0, "the CLI finds no plan " + planName + " of " + serviceLabel + " here");
        }
        return call("POST", "/v2/service_instances?accepts_incomplete=true", Map.of("name", name,
                "space_guid", spaceGuid, "service_plan_guid", plan));
    }

    /** {@code cf org ORG}: name, domains, quota, spaces, isolation segments. */
    Map<String, Object> org(String orgName) {
        JsonNode root = expect(200, "GET", "/", null);
        String v3 = root.at("/links/cloud_controller_v3/href").asString();
        assertThat(v3).as("links.cloud_controller_v3").endsWith("/v3");
        expect(200, "GET", v3.substring(v3.indexOf("/v3")), null);
        JsonNode org = expect(200, "GET", "/v2/organizations?q=" + enc("name:" + orgName), null).at("/resources/0");
        String guid = guid(org);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", org.at("/entity/name").asString());
        summary.put("domains", expect(200, "GET", "/v2/shared_domains", null).get("total_results").asInt()
                + expect(200, "GET", "/v2/organizations/" + guid + "/private_domains", null).get("total_results").asInt());
        summary.put("quota", expect(200, "GET", "/v2/quota_definitions/" + org.at("/entity/quota_definition_guid")
                .asString(), null).at("/entity/name").asString());
        summary.put("spaces", expect(200, "GET", "/v2/organizations/" + guid + "/spaces", null).get("resources")
                .valueStream().map(s -> s.at("/entity/name").asString()).toList());
        summary.put("isolation segments", expect(200, "GET", "/v3/isolation_segments?organization_guids=" + guid, null)
                .at("/pagination/total_results").asInt());
        return summary;
    }

    /** {@code cf space SPACE} with the org targeted: name, org, apps, services, isolation segment, security groups. */
    Map<String, Object> space(String orgName, String spaceName) {
        expect(200, "GET", "/", null);
        String org = orgGuid(orgName);
        expect(200, "GET", "/v2/organizations/" + org, null);
        String space = spaceGuid(org, spaceName);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", spaceName);
        summary.put("apps", expect(200, "GET", "/v2/apps?q=" + enc("space_guid:" + space), null).get("total_results")
                .asInt());
        summary.put("services", expect(200, "GET", "/v2/spaces/" + space + "/service_instances", null)
                .get("resources").valueStream().map(s -> s.at("/entity/name").asString()).toList());
        expect(200, "GET", "/v2/spaces/" + space + "/security_groups", null);
        expect(200, "GET", "/v2/spaces/" + space + "/staging_security_groups", null);
        summary.put("isolation segment", expect(200, "GET", "/v3/spaces/" + space + "/relationships/isolation_segment",
                null).get("data").isNull() ? "" : "?");
        return summary;
    }
}
