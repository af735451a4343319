package io.provisioner.gateway.catalog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.provisioner.gateway.api.CfError;

/**
 * Fetches and checks a broker's catalog ({@code GET /v2/catalog}, OSB v2.17). Every way it can go wrong
 * becomes the Cloud Controller error a v2 client expects, and nothing is stored.
 */
@Component
class BrokerCatalogClient {

    private final HttpClient http;
    private final CatalogSettings settings;
    private final JsonMapper json;

    BrokerCatalogClient(CatalogSettings settings, JsonMapper json) {
        this.http = HttpClient.newBuilder().connectTimeout(settings.brokerTimeout()).build();
        this.settings = settings;
        this.json = json;
    }

    List<CatalogService> fetch(String brokerUrl, String username, String password) {
        URI uri;
        try {
            uri = URI.create(brokerUrl.replaceAll("/+$", "") + "/v2/catalog");
        } catch (IllegalArgumentException e) {
            throw CfError.SERVICE_BROKER_URL_INVALID.exception(brokerUrl + " is not a valid URL");
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.brokerTimeout())
                .header("X-Broker-API-Version", "2.17")
                .header("X-Broker-API-Request-Identity", UUID.randomUUID().toString())
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw CfError.SERVICE_BROKER_TIMEOUT.exception(
                    "The request to the service broker timed out: " + uri);
        } catch (IOException e) {
            throw CfError.SERVICE_BROKER_UNREACHABLE.exception("The service broker API could not be reached: " + uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CfError.SERVICE_BROKER_UNREACHABLE.exception("The service broker API could not be reached: " + uri);
        }
        if (response.statusCode() != 200) {
            throw CfError.SERVICE_BROKER_REQUEST_REJECTED.exception("The service broker rejected the request to "
                    + uri + ". Status Code: " + response.statusCode()
                    + ". Please check that the URL points to a valid service broker.");
        }
        JsonNode catalog;
        try {
            catalog = json.readTree(response.body());
        } catch (RuntimeException e) {
            // Never the parser's message: it quotes the body, and the URL may point anywhere.
            throw CfError.SERVICE_BROKER_CATALOG_INVALID.exception(
                    "Service broker catalog is invalid: the response to " + uri + " is not JSON");
        }
        try {
            return parse(catalog);
        } catch (IllegalArgumentException e) {
            throw CfError.SERVICE_BROKER_CATALOG_INVALID.exception("Service broker catalog is invalid: " + e.getMessage());
        } catch (RuntimeException e) {
            throw CfError.SERVICE_BROKER_CATALOG_INVALID.exception(
                    "Service broker catalog is invalid: the response to " + uri + " is not an OSB catalog");
        }
    }

    private List<CatalogService> parse(JsonNode root) {
        JsonNode services = root.path("services");
        if (!services.isArray() || services.isEmpty()) {
            throw new IllegalArgumentException("'services' must be a non-empty array");
        }
        List<CatalogService> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode s : services) {
            String serviceId = required(s, "id");
            if (!ids.add(serviceId)) {
                throw new IllegalArgumentException("service id " + quote(serviceId) + " is used twice");
            }
            List<CatalogService.CatalogPlan> plans = new ArrayList<>();
            for (JsonNode p : s.path("plans")) {
                String planId = required(p, "id");
                if (!ids.add(planId)) {
                    throw new IllegalArgumentException("plan id " + quote(planId) + " is used twice");
                }
                plans.add(new CatalogService.CatalogPlan(planId, required(p, "name"), required(p, "description"),
                        p.path("free").asBoolean(true),
                        p.has("bindable") ? p.get("bindable").asBoolean() : null,
                        p.has("plan_updateable") ? p.get("plan_updateable").asBoolean() : null,
                        p.path("maximum_polling_duration").isInt() ? p.get("maximum_polling_duration").asInt() : null,
                        p.path("maintenance_info").isObject() ? p.get("maintenance_info").toString() : null));
            }
            if (plans.isEmpty()) {
                throw new IllegalArgumentException("service " + quote(serviceId) + " has no plans");
            }
            List<String> tags = new ArrayList<>();
            s.path("tags").forEach(t -> tags.add(t.asString()));
            result.add(new CatalogService(serviceId, required(s, "name"), required(s, "description"),
                    s.path("bindable").asBoolean(false), s.path("plan_updateable").asBoolean(false),
                    s.path("instances_retrievable").asBoolean(false), s.path("bindings_retrievable").asBoolean(false),
                    tags, plans));
        }
        return result;
    }

    /** An id from the catalog, named in an error: bounded, so an error never carries a body along. */
    private static String quote(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asString();
    }
}
