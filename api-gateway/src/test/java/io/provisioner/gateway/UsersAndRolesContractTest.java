package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Users and roles as the cf CLI's admin commands use them: the local issuer's SCIM subset, {@code /v2/users},
 * the role lists and the by-username role endpoints, the feature flags that allow them; and the v3 reads and
 * the top-level bindings list.
 */
class UsersAndRolesContractTest extends GatewayTestBase {

    private record NewUser(String username, String password, String id) {
    }

    /** {@code cf create-user}: UAA's POST /Users, then POST /v2/users with the new id. */
    private NewUser newUser() {
        String username = "u-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        Answer scim = send("POST", "/Users", json(Map.of("userName", username, "password", password, "origin", "uaa",
                "emails", List.of(Map.of("value", username + "@example.com", "primary", true)))));
        assertThat(scim.status()).as(scim.body()).isEqualTo(201);
        String id = scim.json().get("id").asString();
        Answer user = send("POST", "/v2/users", json(Map.of("guid", id)));
        assertThat(user.status()).as(user.body()).isEqualTo(201);
        return new NewUser(username, password, id);
    }

    private String org() {
        return send("POST", "/v2/organizations", json(Map.of("name", "ur-" + UUID.randomUUID()))).json()
                .at("/metadata/guid").asString();
    }

    private String space(String org) {
        return send("POST", "/v2/spaces", json(Map.of("name", "ur", "organization_guid", org))).json()
                .at("/metadata/guid").asString();
    }

    private static String filter(String expression) {
        return URLEncoder.encode(expression, StandardCharsets.UTF_8);
    }

    private List<String> names(Answer list) {
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return list.json().get("resources").valueStream().map(r -> r.at("/entity/username").asString()).toList();
    }

    @Test
    void scimMakesFindsAndDeletesUsersWhoLogInWithAHashedPassword() {
        String username = "scim-" + UUID.randomUUID();
        String password = "secret-" + UUID.randomUUID();
        String body = json(Map.of("userName", username, "password", password));
        assertThat(sendAs(null, "POST", "/Users", body).json().get("error").asString()).isEqualTo("unauthorized");
        Answer denied = sendAs("developer", "POST", "/Users", body);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().get("error").asString()).isEqualTo("insufficient_scope");
        assertThat(sendAs("developer", "GET", "/Users", null).status()).isEqualTo(403);

        Answer created = send("POST", "/Users", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.json().get("userName").asString()).isEqualTo(username);
        assertThat(created.body()).doesNotContain(password);
        Answer taken = send("POST", "/Users", body);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("error").asString()).isEqualTo("scim_resource_already_exists");
        assertThat(send("POST", "/Users", json(Map.of("userName", "x"))).status()).isEqualTo(400);

        // stored durably, and only as a BCrypt hash
        String hash = jdbc.sql("SELECT password_hash FROM user_passwords WHERE user_id = ?").param(id)
                .query(String.class).single();
        assertThat(hash).startsWith("$2").doesNotContain(password);
        assertThat(jdbc.sql("SELECT username FROM scim_users WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(username);

        for (String expression : List.of("userName eq \"" + username + "\"", "userName Eq \"" + username + "\"",
                "userName eq \"" + username + "\" and origin eq \"uaa\"", "id eq \"" + id + "\"")) {
            JsonNode found = send("GET", "/Users?filter=" + filter(expression), null).json();
            assertThat(found.get("totalResults").asInt()).as(expression).isEqualTo(1);
            assertThat(found.at("/resources/0/id").asString()).isEqualTo(id);
        }
        assertThat(send("GET", "/Users?filter=" + filter("userName eq \"nobody-" + UUID.randomUUID() + "\""), null)
                .json().get("totalResults").asInt()).isZero();
        Answer badFilter = send("GET", "/Users?filter=" + filter("userName co \"a\""), null);
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.json().get("error").asString()).isEqualTo("invalid_filter");

        String token = accessToken(username, password);
        assertThat(sendWithToken(token, "GET", "/v2/organizations", null).status()).isEqualTo(200);
        assertThat(sendWith("Basic Y2Y6", "POST", "/oauth/token", "grant_type=password&username=" + username
                + "&password=wrong", "application/x-www-form-urlencoded").status()).isEqualTo(401);

        assertThat(send("DELETE", "/Users/" + userId("admin"), null).status()).isEqualTo(400);
        assertThat(sendAs("developer", "DELETE", "/Users/" + id, null).status()).isEqualTo(403);
        assertThat(send("DELETE", "/Users/" + id, null).status()).isEqualTo(200);
        assertThat(send("DELETE", "/Users/" + id, null).status()).isEqualTo(404);
        assertThat(sendWith("Basic Y2Y6", "POST", "/oauth/token", "grant_type=password&username=" + username
                + "&password=" + password, "application/x-www-form-urlencoded").status()).isEqualTo(401);
        assertThat(count("user_passwords WHERE user_id = '" + id + "'")).isZero();
    }

    @Test
    void usersAreMadeByGuidReadListedAndDeleted() {
        NewUser user = newUser();
        Answer again = send("POST", "/v2/users", json(Map.of("guid", user.id())));
        assertError(again, 400, "CF-UaaIdTaken", 20002);
        assertError(send("POST", "/v2/users", json(Map.of("name", "x"))), 400, "CF-MessageParseError", 1001);

        JsonNode read = get("/v2/users/" + user.id()).json();
        assertThat(read.at("/entity/username").asString()).isEqualTo(user.username());
        assertThat(read.at("/entity/managed_organizations_url").asString())
                .isEqualTo("/v2/users/" + user.id() + "/managed_organizations");
        NewUser second = newUser();
        String token = accessToken(user.username(), user.password());
        assertThat(sendWithToken(token, "GET", "/v2/users/" + user.id(), null).status()).isEqualTo(200);
        assertError(sendWithToken(token, "GET", "/v2/users/" + second.id(), null), 403, "CF-NotAuthorized", 10003);
        assertError(sendWithToken(token, "GET", "/v2/users", null), 403, "CF-NotAuthorized", 10003);
        assertError(sendWithToken(token, "POST", "/v2/users", json(Map.of("guid", "x"))), 403, "CF-NotAuthorized", 10003);

        JsonNode page = get("/v2/users?results-per-page=1&order-direction=desc").json();
        assertThat(page.get("total_results").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(page.at("/resources/0/metadata/guid").asString()).isEqualTo(second.id());
        assertThat(page.get("next_url").asString()).contains("page=2");
        assertError(get("/v2/users?q=username:x"), 400, "CF-BadQueryParameter", 10005);

        String org = org();
        assertThat(send("PUT", "/v2/organizations/" + org + "/users/" + user.id(), null).status()).isEqualTo(201);
        assertThat(get("/v2/users/" + user.id() + "/organizations").json().at("/resources/0/metadata/guid").asString())
                .isEqualTo(org);
        assertThat(get("/v2/users/" + user.id() + "/managed_organizations").json().get("total_results").asInt()).isZero();
        assertError(get("/v2/users/" + user.id() + "/apps"), 404, "CF-NotFound", 10000);

        assertThat(send("DELETE", "/v2/users/" + user.id(), null).status()).isEqualTo(204);
        assertError(get("/v2/users/" + user.id()), 404, "CF-UserNotFound", 20003);
        assertThat(count("organization_roles WHERE user_id = '" + user.id() + "'")).isZero();
        assertError(send("DELETE", "/v2/users/" + user.id(), null), 404, "CF-UserNotFound", 20003);
    }

    @Test
    void rolesAreGivenAndTakenByUsernameAndListedAsCloudControllerDoes() {
        NewUser user = newUser();
        String org = org();
        String space = space(org);
        Map<String, String> byName = Map.of("username", user.username());

        Answer manager = send("PUT", "/v2/organizations/" + org + "/managers", json(byName));
        assertThat(manager.status()).as(manager.body()).isEqualTo(201);
        assertThat(manager.json().at("/metadata/guid").asString()).isEqualTo(org);
        assertThat(names(get("/v2/organizations/" + org + "/managers"))).containsExactly(user.username());
        assertThat(get("/v2/users/" + user.id() + "/managed_organizations").json().get("total_results").asInt())
                .isEqualTo(1);

        // a space role needs the user in the organization first
        assertError(send("PUT", "/v2/spaces/" + space + "/developers", json(byName)), 400, "CF-InvalidRelation", 1002);
        assertError(send("PUT", "/v2/spaces/" + space + "/developers/" + user.id(), null), 400, "CF-InvalidRelation",
                1002);
        assertThat(send("PUT", "/v2/organizations/" + org + "/users", json(byName)).status()).isEqualTo(201);
        Answer developer = send("PUT", "/v2/spaces/" + space + "/developers", json(byName));
        assertThat(developer.status()).as(developer.body()).isEqualTo(201);
        assertThat(developer.json().at("/metadata/guid").asString()).isEqualTo(space);
        assertThat(send("PUT", "/v2/spaces/" + space + "/developers", json(byName)).status()).isEqualTo(201);
        assertThat(names(get("/v2/spaces/" + space + "/developers"))).containsExactly(user.username());
        assertThat(get("/v2/users/" + user.id() + "/spaces").json().at("/resources/0/metadata/guid").asString())
                .isEqualTo(space);

        // the new org manager manages roles in their organization, and reads its lists; others may not
        String token = accessToken(user.username(), user.password());
        NewUser other = newUser();
        assertThat(sendWithToken(token, "PUT", "/v2/organizations/" + org + "/auditors",
                json(Map.of("username", other.username()))).status()).isEqualTo(201);
        assertThat(names(sendWithToken(token, "GET", "/v2/organizations/" + org + "/auditors", null)))
                .containsExactly(other.username());
        assertError(sendAs("outsider", "GET", "/v2/organizations/" + org + "/managers", null), 403, "CF-NotAuthorized",
                10003);
        assertError(sendAs("outsider", "GET", "/v2/spaces/" + space + "/developers", null), 403, "CF-NotAuthorized",
                10003);
        assertError(sendAs("outsider", "PUT", "/v2/organizations/" + org + "/managers",
                json(Map.of("username", "outsider"))), 403, "CF-NotAuthorized", 10003);

        // paging of a role list
        assertThat(send("PUT", "/v2/organizations/" + org + "/users", json(Map.of("username", other.username())))
                .status()).isEqualTo(201);
        JsonNode users = get("/v2/organizations/" + org + "/users?results-per-page=1").json();
        assertThat(users.get("total_results").asInt()).isEqualTo(2);
        assertThat(users.get("next_url").asString()).startsWith("/v2/organizations/" + org + "/users?");

        assertError(send("PUT", "/v2/organizations/" + org + "/managers", json(Map.of("username", "nobody-"
                + UUID.randomUUID()))), 404, "CF-UserNotFound", 20003);
        assertError(send("PUT", "/v2/organizations/" + org + "/managers", json(Map.of("name", "x"))), 400,
                "CF-MessageParseError", 1001);
        assertError(send("PUT", "/v2/organizations/" + UUID.randomUUID() + "/managers", json(byName)), 404,
                "CF-OrganizationNotFound", 30003);
        assertError(send("PUT", "/v2/spaces/" + UUID.randomUUID() + "/managers", json(byName)), 404,
                "CF-SpaceNotFound", 40004);
        assertError(send("PUT", "/v2/organizations/" + org + "/wizards", json(byName)), 404, "CF-NotFound", 10000);
        assertError(get("/v2/spaces/" + space + "/wizards"), 404, "CF-NotFound", 10000);
        assertError(get("/v2/organizations/" + org + "/managers?q=name:x"), 400, "CF-BadQueryParameter", 10005);

        assertThat(send("DELETE", "/v2/spaces/" + space + "/developers", json(byName)).status()).isEqualTo(204);
        assertThat(names(get("/v2/spaces/" + space + "/developers"))).isEmpty();
        assertThat(send("DELETE", "/v2/organizations/" + org + "/managers", json(byName)).status()).isEqualTo(204);
        assertThat(names(get("/v2/organizations/" + org + "/managers"))).isEmpty();
    }

    @Test
    void theRoleFeatureFlagsAreOnAndReadOneByOne() {
        for (String flag : List.of("set_roles_by_username", "unset_roles_by_username", "service_instance_creation")) {
            JsonNode read = get("/v2/config/feature_flags/" + flag).json();
            assertThat(read.get("name").asString()).isEqualTo(flag);
            assertThat(read.get("enabled").asBoolean()).as(flag).isTrue();
            assertThat(read.get("url").asString()).isEqualTo("/v2/config/feature_flags/" + flag);
        }
        assertThat(get("/v2/config/feature_flags/user_org_creation").json().get("enabled").asBoolean()).isFalse();
        assertError(get("/v2/config/feature_flags/no_such_flag"), 404, "CF-FeatureFlagNotFound", 330000);
        assertError(sendAs(null, "GET", "/v2/config/feature_flags/set_roles_by_username", null), 401,
                "CF-NotAuthenticated", 10002);
    }

    @Test
    void theRootAdvertisesV3AndTheV3ReadsAnswerInV3sShape() {
        JsonNode v3 = sendAs(null, "GET", "/", null).json().at("/links/cloud_controller_v3");
        assertThat(v3.get("href").asString()).endsWith("/v3");
        assertThat(v3.at("/meta/version").asString()).startsWith("3.");
        assertThat(sendAs(null, "GET", "/v3", null).json().at("/links/organizations/href").asString())
                .endsWith("/v3/organizations");

        JsonNode orgs = get("/v3/organizations?names=test-org").json();
        assertThat(orgs.at("/pagination/total_results").asInt()).isEqualTo(1);
        assertThat(orgs.at("/resources/0/name").asString()).isEqualTo("test-org");
        String org = orgs.at("/resources/0/guid").asString();
        JsonNode spaces = get("/v3/spaces?names=test-space&organization_guids=" + org).json();
        assertThat(spaces.at("/pagination/total_results").asInt()).isEqualTo(1);
        assertThat(spaces.at("/resources/0/relationships/organization/data/guid").asString()).isEqualTo(org);
        String space = spaces.at("/resources/0/guid").asString();
        assertThat(get("/v3/spaces?names=test-space&organization_guids=" + UUID.randomUUID()).json()
                .at("/pagination/total_results").asInt()).isZero();
        JsonNode paged = get("/v3/organizations?per_page=1").json();
        assertThat(paged.at("/pagination/total_pages").asInt()).isEqualTo(paged.at("/pagination/total_results").asInt());
        assertThat(paged.at("/resources").size()).isEqualTo(1);
        // what a caller may not see is not there
        assertThat(sendAs("outsider", "GET", "/v3/organizations?names=test-org", null).json()
                .at("/pagination/total_results").asInt()).isZero();

        assertThat(get("/v3/isolation_segments?organization_guids=" + org).json().at("/pagination/total_results").asInt())
                .isZero();
        assertThat(get("/v3/organizations/" + org + "/relationships/default_isolation_segment").json().get("data")
                .isNull()).isTrue();
        assertThat(get("/v3/spaces/" + space + "/relationships/isolation_segment").json().get("data").isNull()).isTrue();

        Answer unknownParameter = get("/v3/organizations?colour=blue");
        assertThat(unknownParameter.status()).isEqualTo(400);
        assertThat(unknownParameter.json().at("/errors/0/title").asString()).isEqualTo("CF-BadQueryParameter");
        for (String path : List.of("/v3/apps", "/v3/spaces/" + space + "/features", "/v3/no/such/thing")) {
            Answer unknown = get(path);
            assertThat(unknown.status()).as(path).isEqualTo(404);
            assertThat(unknown.json().at("/errors/0/title").asString()).isEqualTo("CF-NotFound");
            assertThat(unknown.json().at("/errors/0/code").asInt()).isEqualTo(10000);
        }
        Answer missing = get("/v3/spaces/" + UUID.randomUUID() + "/relationships/isolation_segment");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/errors/0/title").asString()).isEqualTo("CF-ResourceNotFound");
        assertError(sendAs(null, "GET", "/v3/organizations", null), 401, "CF-NotAuthenticated", 10002);
    }

    @Test
    void theTopLevelBindingsListIsEmptyWhateverTheFilter() {
        JsonNode bindings = get("/v2/service_bindings?q=service_instance_guid:" + UUID.randomUUID()).json();
        assertThat(bindings.get("total_results").asInt()).isZero();
        assertThat(bindings.get("resources").size()).isZero();
        assertThat(sendAs("developer", "GET", "/v2/service_bindings", null).status()).isEqualTo(200);
        assertError(get("/v2/service_bindings?q=colour:blue"), 400, "CF-BadQueryParameter", 10005);
        assertError(sendAs(null, "GET", "/v2/service_bindings", null), 401, "CF-NotAuthenticated", 10002);
    }
}
