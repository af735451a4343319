package io.provisioner.worker.broker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.provisioner.schemas.BrokerEndpoint;
import io.provisioner.schemas.BrokerText;
import io.provisioner.schemas.SecretSealer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.provisioner.worker.tracing.BrokerCallSpans;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one OSB request over HTTP, once, and times it. The broker's password is opened here, for the
 * header only: it is never logged and never put in an exception.
 */
final class HttpBrokerClient {

    static final String API_VERSION = "2.17";

    private static final Logger log = LoggerFactory.getLogger(HttpBrokerClient.class);

    private final HttpClient http;
    private final SecretSealer sealer;
    private final JsonMapper mapper;
    private final MeterRegistry meters;
    private final BrokerCallSpans spans;

    HttpBrokerClient(HttpClient http, SecretSealer sealer, JsonMapper mapper, MeterRegistry meters, BrokerCallSpans spans) {
        this.http = http;
        this.sealer = sealer;
        this.mapper = mapper;
        this.meters = meters;
        this.spans = spans;
    }

    /** @param readTimeout how long the broker has to answer, as its policy says */
    BrokerAnswer send(BrokerEndpoint broker, OsbCall call, Duration readTimeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(broker, call, readTimeout);
        Timer.Sample sample = Timer.start(meters);
        // Resilience4j's metrics name brokers by guid: this joins them to the name operators know.
        Gauge.builder("provisioner.broker.info", () -> 1).description("1 per broker: its guid (name) and its name (broker)")
                .tag("name", BrokerNames.of(broker)).tag("broker", BrokerNames.label(broker)).register(meters);
        String outcome = "error";
        try {
            HttpResponse<String> response = spans.send("osb " + call.endpoint().tag(), request,
                    built -> http.send(built, HttpResponse.BodyHandlers.ofString()));
            outcome = response.statusCode() / 100 + "xx";
            String body = response.body() == null ? "" : response.body();
            log.info("{} answered HTTP {}", call.describe(), response.statusCode());
            return new BrokerAnswer(response.statusCode(), body, parse(body),
                    response.headers().firstValue("Retry-After").orElse(null), 1);
        } catch (IOException e) {
            log.warn("{} got no answer: {}", call.describe(), BrokerUnreachable.summary(e));
            throw e;
        } finally {
            sample.stop(Timer.builder("provisioner.broker.calls")
                    .description("Calls to service brokers, each attempt on its own")
                    .tag("broker", BrokerNames.of(broker))
                    .tag("endpoint", call.endpoint().tag())
                    .tag("outcome", outcome)
                    .register(meters));
        }
    }

    private HttpRequest.Builder request(BrokerEndpoint broker, OsbCall call, Duration readTimeout) {
        String base = broker.url().endsWith("/") ? broker.url().substring(0, broker.url().length() - 1) : broker.url();
        URI uri = URI.create(base + call.path() + (call.query().isEmpty() ? "" : "?" + call.query()));
        HttpRequest.BodyPublisher body = call.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .method(call.method(), body)
                .header("X-Broker-API-Version", API_VERSION)
                .header("Authorization", basic(broker))
                .header("X-Broker-API-Request-Identity", call.requestIdentity())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
        if (call.originatingUserId() != null) {
            request.header("X-Broker-API-Originating-Identity", originatingIdentity(call.originatingUserId()));
        }
        return request;
    }

    private String basic(BrokerEndpoint broker) {
        String pair = broker.username() + ":" + sealer.open(broker.sealedPassword());
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private String originatingIdentity(String userId) {
        byte[] json = mapper.writeValueAsBytes(Map.of("user_id", userId));
        return "cloudfoundry " + Base64.getEncoder().encodeToString(json);
    }

    private JsonNode parse(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root instanceof ObjectNode object) {
                bound(object, "description");
                bound(object, "error");
                bound(object, "state");
            }
            return root;
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The broker's own words are bounded here, where its answers enter the worker, so a broker that
     * answers megabytes cannot make a status event too large for Kafka, nor fill logs and the database.
     */
    private static void bound(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value != null && value.isString() && value.stringValue().length() > BrokerText.MAX_LENGTH) {
            object.put(field, BrokerText.bounded(value.stringValue()));
        }
    }
}
