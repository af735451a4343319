package io.provisioner.gateway.catalog;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the gateway seeds at start-up until the full catalog API exists: one organization, one space,
 * and the brokers to register (their catalogs are fetched over OSB).
 */
@ConfigurationProperties("provisioner.catalog")
record CatalogSettings(
        @DefaultValue("10s") Duration brokerTimeout,
        @DefaultValue Seed seed) {

    record Seed(String organization, String space, @DefaultValue List<SeedBroker> brokers) {
    }

    record SeedBroker(String name, String url, String username, String password) {
    }
}
