package io.provisioner.gateway.catalog;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fetches and checks a broker's catalog ({@code GET /v2/catalog}, OSB v2.17). */
@Component
class BrokerCatalogClient {

    private final RestClient http;
    private final JsonMapper json;

    BrokerCatalogClient(CatalogSettings settings, JsonMapper json) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(settings.brokerTimeout()).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(settings.brokerTimeout());
        this.http = RestClient.builder().requestFactory(factory).build();
        this.json = json;
    }

    List<CatalogService> fetch(String brokerUrl, String username, String password) {
        String body;
        try {
            body = http.get()
                    .uri(brokerUrl.replaceAll("/+$", "") + "/v2/catalog")
                    .header("X-Broker-API-Version", "2.17")
                    .header("X-Broker-API-Request-Identity", UUID.randomUUID().toString())
                    .headers(h -> h.setBasicAuth(username, password))
                    .accept(MediaType.APPLICATION_JSON)
                    .retrieve()
                    .body(String.class);
        } catch (RestClientException e) {
            throw new BrokerCatalogException("The service broker could not be reached or refused the catalog request: "
                    + e.getMessage());
        }
        try {
            return parse(json.readTree(body));
        } catch (RuntimeException e) {
            throw new BrokerCatalogException("The service broker returned an invalid catalog: " + e.getMessage());
        }
    }

    private List<CatalogService> parse(JsonNode root) {
        JsonNode services = root.path("services");
        if (!services.isArray()) {
            throw new IllegalArgumentException("'services' must be an array");
        }
        List<CatalogService> result = new ArrayList<>();
        for (JsonNode s : services) {
            boolean planUpdateable = s.path("plan_updateable").asBoolean(false);
            List<CatalogService.CatalogPlan> plans = new ArrayList<>();
            for (JsonNode p : s.path("plans")) {
                plans.add(new CatalogService.CatalogPlan(required(p, "id"), required(p, "name"),
                        required(p, "description"), p.path("free").asBoolean(true),
                        p.has("bindable") ? p.get("bindable").asBoolean() : null,
                        p.has("plan_updateable") ? p.get("plan_updateable").asBoolean() : null,
                        p.path("maximum_polling_duration").isInt() ? p.get("maximum_polling_duration").asInt() : null,
                        p.path("maintenance_info").isObject() ? p.get("maintenance_info").toString() : null));
            }
            if (plans.isEmpty()) {
                throw new IllegalArgumentException("service " + required(s, "id") + " has no plans");
            }
            List<String> tags = new ArrayList<>();
            s.path("tags").forEach(t -> tags.add(t.asString()));
            result.add(new CatalogService(required(s, "id"), required(s, "name"), required(s, "description"),
                    s.path("bindable").asBoolean(false), planUpdateable, s.path("instances_retrievable").asBoolean(false),
                    tags, plans));
        }
        return result;
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asString();
    }
}
