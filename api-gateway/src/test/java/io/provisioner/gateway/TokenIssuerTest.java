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
    }

    private Answer login(String username, String password) {
        return token(CF, "grant_type=password&username=" + username + "&password=" + password);
    }

    private static String basic(String client, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRefreshGrantAuthenticatesTheClientAsThePasswordGrantDoes() {
        String refresh = login("developer", "developer-password").json().get("refresh_token").asString();

        for (String wrongClient : new String[] {basic("cf", "wrong"), basic("ops-robot", "wrong"), basic("nobody", "")}) {
            assertThat(token(wrongClient, "grant_type=password&username=developer&password=developer-password")
                    .status()).as("password grant, " + wrongClient).isEqualTo(401);
            Answer refused = token(wrongClient, "grant_type=refresh_token&refresh_token=" + refresh);
            assertThat(refused.status()).as("refresh grant, " + wrongClient).isEqualTo(401);
            assertThat(refused.json().get("error").asString()).isEqualTo("unauthorized");
            assertThat(refused.json().get("error_description").asString()).isEqualTo("Bad credentials");
        }
        Answer otherClient = token(basic("ops-robot", "robot-secret"), "grant_type=refresh_token&refresh_token=" + refresh);
        assertThat(otherClient.status()).as("an authenticated client, but not the token's").isEqualTo(401);
        assertThat(otherClient.json().get("error").asString()).isEqualTo("invalid_token");
        assertThat(token(CF, "grant_type=refresh_token&refresh_token=" + refresh).status()).isEqualTo(200);
    }

    @Test
    void aGrantIsRevokedByItsOwnerOrAnAdminOnlyAndThenRefusedEverywhere() {
        JsonNode auditor = login("auditor", "auditor-password").json();
        String access = auditor.get("access_token").asString();
        String jti = auditor.get("jti").asString();
        assertThat(sendWith("bearer " + access, "GET", "/v2/service_plans", null, null).status()).isEqualTo(200);

        Answer anonymous = sendWith(null, "DELETE", "/oauth/token/revoke/" + jti, null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("error").asString()).isEqualTo("unauthorized");
        assertThat(sendWith("bearer garbage", "DELETE", "/oauth/token/revoke/" + jti, null, null).json().get("error")
                .asString()).isEqualTo("invalid_token");
        String developer = login("developer", "developer-password").json().get("access_token").asString();
        Answer stranger = sendWith("bearer " + developer, "DELETE", "/oauth/token/revoke/" + jti, null, null);
        assertThat(stranger.status()).as("another user may not revoke it").isEqualTo(403);
        assertThat(stranger.json().get("error").asString()).isEqualTo("access_denied");
        assertThat(sendWith("bearer " + access, "GET", "/v2/service_plans", null, null).status())
                .as("refused attempts revoke nothing").isEqualTo(200);

        assertThat(sendWith("bearer " + access, "DELETE", "/oauth/token/revoke/" + jti, null, null).status())
                .as("the owner logs out").isEqualTo(200);
        assertThat(sendWith("bearer " + access, "GET", "/v2/service_plans", null, null).errorCode())
                .isEqualTo("CF-InvalidAuthToken");
        Answer refresh = token(CF, "grant_type=refresh_token&refresh_token=" + auditor.get("refresh_token").asString());
        assertThat(refresh.status()).isEqualTo(401);
        assertThat(refresh.json().get("error").asString()).isEqualTo("invalid_token");

        JsonNode developerGrant = login("developer", "developer-password").json();
        String developerRefreshJti = claims(developerGrant.get("refresh_token").asString()).get("jti").asString();
        assertThat(sendWith("bearer " + token("admin"), "DELETE", "/oauth/token/revoke/" + developerRefreshJti, null,
                null).status()).as("an admin revokes anyone's grant, by its refresh token's jti too").isEqualTo(200);
        assertThat(token(CF, "grant_type=refresh_token&refresh_token=" + developerGrant.get("refresh_token").asString())
                .status()).isEqualTo(401);
        assertThat(sendWith("bearer " + developerGrant.get("access_token").asString(), "GET", "/v2/service_plans", null,
                null).status()).isEqualTo(401);
        assertThat(sendWith("bearer " + token("admin"), "DELETE", "/oauth/token/revoke/unknown", null, null).status())
                .isEqualTo(404);
    }

    @Test
    void aPasswordChangeEndsTheRefreshTokensIssuedBefore() {
        String path = "/Users/" + userId("passwd") + "/password";
        String first = "first-" + java.util.UUID.randomUUID();
        String second = "second-" + java.util.UUID.randomUUID();
        assertThat(sendWith("bearer " + token("admin"), "PUT", path, json(java.util.Map.of("password", first)),
                "application/json").status()).as("an admin sets it without the old one").isEqualTo(200);
        JsonNode before = login("passwd", first).json();
        String access = before.get("access_token").asString();

        Answer wrongOld = sendWith("bearer " + access, "PUT", path,
                json(java.util.Map.of("oldPassword", "guess", "password", second)), "application/json");
        assertThat(wrongOld.status()).isEqualTo(401);
        assertThat(wrongOld.json().get("error_description").asString()).isEqualTo("Old password is incorrect");
        assertThat(sendWith("bearer " + token("developer"), "PUT", path,
                json(java.util.Map.of("oldPassword", first, "password", second)), "application/json").status())
                .as("another user may not change it").isEqualTo(403);
        assertThat(token(CF, "grant_type=refresh_token&refresh_token=" + before.get("refresh_token").asString()).status())
                .as("refused attempts change nothing").isEqualTo(200);

        Answer changed = sendWith("bearer " + access, "PUT", path,
                json(java.util.Map.of("oldPassword", first, "password", second)), "application/json");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("status").asString()).isEqualTo("ok");

        Answer refresh = token(CF, "grant_type=refresh_token&refresh_token=" + before.get("refresh_token").asString());
        assertThat(refresh.status()).as("a refresh token from before the change").isEqualTo(401);
        assertThat(refresh.json().get("error").asString()).isEqualTo("invalid_token");
        assertThat(login("passwd", first).status()).isEqualTo(401);
        JsonNode after = login("passwd", second).json();
        assertThat(token(CF, "grant_type=refresh_token&refresh_token=" + after.get("refresh_token").asString()).status())
                .isEqualTo(200);
    }

    @Test
    void failedLoginsLockTheUserAsUaaDoesWhileOthersStillLogIn() {
        for (int i = 0; i < 5; i++) {
            assertThat(login("lockme", "wrong-" + i).json().get("error_description").asString())
                    .isEqualTo("Bad credentials");
        }
        Answer locked = login("lockme", "lockme-password");
        assertThat(locked.status()).as("even the right password, while locked").isEqualTo(401);
        assertThat(locked.json().get("error").asString()).isEqualTo("unauthorized");
        assertThat(locked.json().get("error_description").asString())
                .isEqualTo("Your account has been locked because of too many failed attempts to login.");
        assertThat(login("developer", "developer-password").status()).as("other users, same address").isEqualTo(200);
    }

    @Test
    void failedLoginsLockTheAddressWhateverTheUserNames() throws Exception {
        String attacker = "127.0.0.2";
        for (int i = 0; i < 50; i++) {
            assertThat(loginFrom(attacker, "user-" + i, "guess")).contains("Bad credentials");
        }
        assertThat(loginFrom(attacker, "developer", "developer-password")).as("a known user from that address")
                .startsWith("HTTP/1.1 401").contains("Your account has been locked");
        assertThat(loginFrom("127.0.0.3", "developer", "developer-password")).as("another address")
                .startsWith("HTTP/1.1 200");
    }

    /** A password-grant login over a raw socket from a chosen loopback address; the whole answer. */
    private String loginFrom(String localAddress, String username, String password) throws java.io.IOException {
        byte[] form = ("grant_type=password&username=" + username + "&password=" + password)
                .getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            String head = "POST /oauth/token HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: " + CF
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length
                    + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(form);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
