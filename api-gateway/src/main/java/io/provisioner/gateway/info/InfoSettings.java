package io.provisioner.gateway.info;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code /} and {@code /v2/info} advertise.
 *
 * @param authorizationEndpoint the UAA-compatible login server; empty means this gateway's own base URL
 * @param tokenEndpoint the token issuer; empty means the authorization endpoint
 */
@ConfigurationProperties("provisioner.info")
record InfoSettings(
        @DefaultValue("Provisioner") String name,
        @DefaultValue("2.150.0") String apiVersion,
        @DefaultValue("") String authorizationEndpoint,
        @DefaultValue("") String tokenEndpoint) {
}
