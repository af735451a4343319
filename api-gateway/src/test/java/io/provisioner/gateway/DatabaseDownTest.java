package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.status.DatabaseOutage;
import io.provisioner.gateway.uaa.TokenIssuerSettings;
import io.provisioner.gateway.uaa.TokenMint;

/**
 * A gateway whose database cannot be reached answers 503 in the CF envelope, fast, instead of hanging
 * or failing with a 500. (The fault-test suite stops and restarts a real PostgreSQL under load.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1",
        "spring.datasource.username=nobody",
        "spring.datasource.hikari.initialization-fail-timeout=-1",
        "spring.datasource.hikari.connection-timeout=1000",
        "spring.flyway.enabled=false",
        "spring.kafka.bootstrap-servers=127.0.0.1:1",
        "spring.kafka.admin.auto-create=false",
        "spring.kafka.listener.auto-startup=false",
        "provisioner.gateway.secret-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "provisioner.token-issuer.enabled=true",
        "provisioner.security.issuer=http://provisioner.test/oauth/token",
        "provisioner.reconciler.every=1h"})
class DatabaseDownTest {

    @LocalServerPort
    int port;
    @Autowired
    TokenMint mint;
    @Autowired
    TokenIssuerSettings issuer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    /**
     * What the status listener meets while the database is away (a real unreachable PostgreSQL here) is told
     * apart as an outage, so its record waits for the database instead of being dead-lettered.
     */
    @Test
    void whatAListenerMeetsWhileTheDatabaseIsAwayIsAnOutage() {
        Throwable noConnection = catchThrowable(() -> jdbc.queryForObject("select 1", Integer.class));
        Throwable noTransaction = catchThrowable(() -> transactions.executeWithoutResult(status -> { }));

        assertThat(noConnection).isNotNull();
        assertThat(DatabaseOutage.causes(noConnection)).as(noConnection.toString()).isTrue();
        assertThat(noTransaction).isNotNull();
        assertThat(DatabaseOutage.causes(noTransaction)).as(noTransaction.toString()).isTrue();
    }

    @Test
    void theApiAnswers503InTheEnvelopeWithinSeconds() throws Exception {
        String token = mint.forUser(issuer.users().get(0), "cf", "password").accessToken();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/service_instances"))
                .header("Authorization", "bearer " + token).timeout(Duration.ofSeconds(20)).build();

        long started = System.nanoTime();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        JsonNode body = JsonMapper.builder().build().readTree(answer.body());
        assertThat(body.get("error_code").asString()).isEqualTo("CF-ServiceUnavailable");
        assertThat(body.get("code").asInt()).isEqualTo(10015);
        assertThat(took).as("fails fast rather than hanging").isLessThan(Duration.ofSeconds(10));
    }
}
