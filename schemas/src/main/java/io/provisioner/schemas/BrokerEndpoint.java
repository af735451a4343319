package io.provisioner.schemas;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Where and how to reach a broker. The password travels sealed (see {@link SecretSealer}), never in
 * plain text.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BrokerEndpoint(String guid, String name, String url, String username, String sealedPassword) {

    @Override
    public String toString() {
        return "BrokerEndpoint[guid=" + guid + ", name=" + name + ", url=" + url + "]";
    }
}
