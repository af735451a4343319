package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The local UAA-compatible issuer, as a v2 client uses it: discover, log in, refresh, call. */
class TokenIssuerTest extends GatewayTestBase {

    private static final String CF = "Basic " + Base64.getEncoder().encodeToString("cf:".getBytes(StandardCharsets.UTF_8));

    private Answer token(String client, String form) {
        return sendWith(client, "POST", "/oauth/token", form, "application/x-www-form-urlencoded");
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void aClientDiscoversTheIssuerThenLogsInWithThePasswordGrantAndRefreshes() {
        JsonNode info = sendWith(null, "GET", "/v2/info", null, null).json();
        assertThat(info.get("token_endpoint").asString()).isEqualTo("http://127.0.0.1:" + port);
        JsonNode login = sendWith(null, "GET", "/login", null, null).json();
        assertThat(login.at("/links/uaa").asString()).isEqualTo(info.get("token_endpoint").asString());
        assertThat(login.at("/prompts/password/0").asString()).isEqualTo("password");

        Answer tokens = token(CF, "grant_type=password&username=developer&password=developer-password");
        assertThat(tokens.status()).isEqualTo(200);
        JsonNode body = tokens.json();
        assertThat(body.get("token_type").asString()).isEqualTo("bearer");
        assertThat(body.get("scope").asString()).contains("cloud_controller.read").contains("cloud_controller.write");
        assertThat(body.get("expires_in").asLong()).isGreaterThan(60);
        JsonNode access = claims(body.get("access_token").asString());
        assertThat(access.get("iss").asString()).isEqualTo(ISSUER);
        assertThat(access.get("user_name").asString()).isEqualTo("developer");
        assertThat(access.get("user_id").asString()).isEqualTo(userId("developer"));
        assertThat(access.get("aud").valueStream().map(JsonNode::asString)).contains("cf", "cloud_controller");
        assertThat(access.get("scope").isArray()).isTrue();
        assertThat(claims(body.get("refresh_token").asString()).get("jti").asString()).endsWith("-r");

        Answer refreshed = token(CF, "grant_type=refresh_token&refresh_token=" + body.get("refresh_token").asString());
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.json().has("refresh_token")).isTrue();
        String fresh = refreshed.json().get("access_token").asString();
        assertThat(sendWith("bearer " + fresh, "GET", "/v2/service_plans", null, null).status()).isEqualTo(200);
        assertThat(sendWith("bearer " + body.get("refresh_token").asString(), "GET", "/v2/service_plans", null, null)
                .errorCode()).as("a refresh token is not an access token").isEqualTo("CF-InvalidAuthToken");
    }

    @Test
    void aClientWithItsOwnCredentialsGetsAClientToken() {
        Answer robot = token(null, "grant_type=client_credentials&client_id=ops-robot&client_secret=robot-secret");
        assertThat(robot.status()).isEqualTo(200);
        assertThat(robot.json().has("refresh_token")).isFalse();
        JsonNode claims = claims(robot.json().get("access_token").asString());
        assertThat(claims.has("user_id")).isFalse();
        assertThat(claims.get("client_id").asString()).isEqualTo("ops-robot");
        assertThat(sendWith("bearer " + robot.json().get("access_token").asString(), "GET", "/v2/service_brokers", null,
                null).status()).isEqualTo(200);
    }

    @Test
    void badCredentialsAndGrantsAreRefusedAsUaaRefusesThem() {
        Answer wrong = token(CF, "grant_type=password&username=admin&password=nope");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asString()).isEqualTo("unauthorized");
        assertThat(wrong.json().get("error_description").asString()).isEqualTo("Bad credentials");
        assertThat(token(null, "grant_type=password&username=admin&password=admin-password").status())
                .as("the password grant is for the cf client").isEqualTo(401);
        assertThat(token(null, "grant_type=client_credentials&client_id=ops-robot&client_secret=wrong").status())
                .isEqualTo(401);
        assertThat(token(CF, "grant_type=refresh_token&refresh_token=garbage").status()).isEqualTo(401);
        assertThat(token(CF, "grant_type=authorization_code").json().get("error").asString())
                .isEqualTo("unsupported_grant_type");
    }

    @Test
    void theKeysAreServedAsUaaServesThem() {
        JsonNode key = sendWith(null, "GET", "/token_keys", null, null).json().at("/keys/0");
        assertThat(key.get("kty").asString()).isEqualTo("RSA");
        assertThat(key.get("alg").asString()).isEqualTo("RS256");
        assertThat(key.get("kid").asString()).isEqualTo("key-1");
        assertThat(key.get("value").asString()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(key.get("n").asString()).matches("[A-Za-z0-9_-]+");
        assertThat(sendWith(null, "DELETE", "/oauth/token/revoke/abc", null, null).status()).isEqualTo(200);
    }
}
