package io.provisioner.gateway.catalog;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.api.CfException;
import io.provisioner.gateway.api.JsonBody;
import io.provisioner.gateway.security.Caller;
import io.provisioner.schemas.SecretSealer;

/**
 * Asks a broker for the parameters of something it provisioned (OSB 2.17: {@code GET} of an instance or of a
 * binding), for the {@code …/parameters} endpoints. The platform keeps no parameters (they are secrets): the
 * broker's {@code parameters} go back exactly as it wrote them; nothing is stored or logged, and a broker's
 * error body is never echoed.
 */
@Component
public class BrokerParameters {

    private final SecretSealer sealer;
    private final JsonMapper json;
    private final HttpClient http;
    private final Duration timeout;

    BrokerParameters(SecretSealer sealer, JsonMapper json,
            @Value("${provisioner.gateway.broker-fetch-timeout:30s}") Duration timeout) {
        this.sealer = sealer;
        this.json = json;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The instance's parameters as JSON text ({@code GET /v2/service_instances/:id}). */
    public String ofInstance(PlanTarget plan, String instanceGuid, Caller caller) {
        return fetch(plan, "/v2/service_instances/" + encode(instanceGuid), caller);
    }

    /** A binding's parameters as JSON text ({@code GET /v2/service_instances/:id/service_bindings/:binding_id}). */
    public String ofBinding(PlanTarget plan, String instanceGuid, String bindingGuid, Caller caller) {
        return fetch(plan, "/v2/service_instances/" + encode(instanceGuid) + "/service_bindings/" + encode(bindingGuid),
                caller);
    }

    private String fetch(PlanTarget plan, String path, Caller caller) {
        String where = plan.broker().url().replaceAll("/+$", "") + path;
        URI uri = URI.create(where + "?service_id=" + encode(plan.serviceId()) + "&plan_id=" + encode(plan.planId()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("X-Broker-API-Version", "2.17")
                .header("X-Broker-API-Request-Identity", UUID.randomUUID().toString())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (plan.broker().username() + ":" + sealer.open(plan.broker().sealedPassword()))
                                .getBytes(StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .GET();
        if (caller.userId() != null) {
            request.header("X-Broker-API-Originating-Identity", "cloudfoundry " + Base64.getEncoder().encodeToString(
                    json.writeValueAsBytes(Map.of("user_id", caller.userId()))));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw CfError.SERVICE_BROKER_TIMEOUT.exception("The request to the service broker timed out: " + where);
        } catch (IOException e) {
            throw CfError.SERVICE_BROKER_UNREACHABLE.exception("The service broker API could not be reached: " + where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CfError.SERVICE_BROKER_UNREACHABLE.exception("The service broker API could not be reached: " + where);
        }
        if (response.statusCode() != 200) {
            throw CfError.SERVICE_BROKER_BAD_RESPONSE.exception("The service broker returned an invalid response for "
                    + "the request to " + where + ". Status Code: " + response.statusCode() + ".");
        }
        String parameters;
        try {
            parameters = JsonBody.parse(response.body(), json).rawObject("parameters");
        } catch (CfException e) {
            throw CfError.SERVICE_BROKER_RESPONSE_MALFORMED.exception("The service broker response was not "
                    + "understood: expected a JSON object whose parameters are an object (" + where + ").");
        }
        return parameters == null ? "{}" : parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
