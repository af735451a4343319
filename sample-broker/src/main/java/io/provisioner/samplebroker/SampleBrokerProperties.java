package io.provisioner.samplebroker;

import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings under {@code sample-broker.*}; defaults live in {@code sample-broker.yml}. */
@ConfigurationProperties(prefix = "sample-broker")
record SampleBrokerProperties(String username, String password, String dataDir, Integer requestLogSize,
        Catalog catalog) {

    SampleBrokerProperties {
        username = username == null ? "broker" : username;
        password = password == null ? "broker-secret" : password;
        requestLogSize = requestLogSize == null ? 10_000 : requestLogSize;
        catalog = catalog == null ? new Catalog(List.of()) : catalog;
    }

    /** True when state must survive restarts. */
    boolean persistent() {
        return dataDir != null && !dataDir.isBlank();
    }

    record Catalog(List<Service> services) {

        Catalog {
            services = services == null ? List.of() : services;
        }

        Optional<Service> service(String serviceId) {
            return services.stream().filter(s -> s.id().equals(serviceId)).findFirst();
        }
    }

    record Service(String id, String name, String description, boolean bindable, boolean planUpdateable,
            boolean instancesRetrievable, boolean bindingsRetrievable, List<String> tags, List<Plan> plans) {

        Service {
            tags = tags == null ? List.of() : tags;
            plans = plans == null ? List.of() : plans;
        }

        Optional<Plan> plan(String planId) {
            return plans.stream().filter(p -> p.id().equals(planId)).findFirst();
        }
    }

    /**
     * A catalog plan plus how the broker behaves for it ({@code mode}, {@code delayMs},
     * {@code failDescription}); the behaviour fields are never shown in the catalog.
     */
    record Plan(String id, String name, String description, Boolean free, Boolean planUpdateable,
            String maintenanceInfoVersion, Integer maximumPollingDuration, Mode mode, long delayMs,
            String failDescription) {

        Plan {
            free = free == null ? Boolean.TRUE : free;
            mode = mode == null ? Mode.SYNC : mode;
            if (failDescription == null || failDescription.isBlank()) {
                failDescription = "The sample broker was told to fail this plan (plan '" + name + "').";
            }
        }
    }
}
