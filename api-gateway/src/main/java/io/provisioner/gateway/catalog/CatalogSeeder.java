package io.provisioner.gateway.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import io.provisioner.schemas.SecretSealer;

/**
 * Seeds the organization, the space and the brokers named in configuration, so that a fresh local run
 * can provision at once. The seeded brokers' plans are public (brokers registered over the API start with
 * private plans, as in Cloud Controller). Registering a broker fetches its catalog; a broker that cannot be reached
 * stops the start-up with a clear message rather than leaving a gateway without plans.
 */
@Component
class CatalogSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(CatalogSeeder.class);

    private final CatalogSettings settings;
    private final CatalogStore store;
    private final BrokerCatalogClient catalogs;
    private final SecretSealer sealer;

    CatalogSeeder(CatalogSettings settings, CatalogStore store, BrokerCatalogClient catalogs, SecretSealer sealer) {
        this.settings = settings;
        this.store = store;
        this.catalogs = catalogs;
        this.sealer = sealer;
    }

    @Override
    public void run(ApplicationArguments args) {
        CatalogSettings.Seed seed = settings.seed();
        if (seed.organization() != null && !seed.organization().isBlank()) {
            String org = store.ensureOrganization(seed.organization());
            if (seed.space() != null && !seed.space().isBlank()) {
                store.ensureSpace(org, seed.space());
            }
        }
        for (CatalogSettings.SeedBroker broker : seed.brokers()) {
            var catalog = catalogs.fetch(broker.url(), broker.username(), broker.password());
            String sealed = sealer.seal(broker.password());
            String guid = store.brokerGuidByName(broker.name()).map(existing -> {
                store.updateBroker(existing, broker.name(), broker.url(), broker.username(), sealed, catalog);
                return existing;
            }).orElseGet(() -> store.insertBroker(broker.name(), broker.url(), broker.username(), sealed, catalog));
            // A broker registered over the API starts with private plans, as in Cloud Controller; the seeded
            // ones are the operator's own and are offered to everyone, so a fresh local run can provision at once.
            store.publishPlans(guid);
            log.info("Registered service broker '{}' at {} with {} service(s); its plans are public", broker.name(),
                    broker.url(), catalog.size());
        }
    }
}
