package io.provisioner.gateway.catalog;

import java.util.List;

/** One service of a broker's {@code GET /v2/catalog} answer, with the fields the platform keeps. */
record CatalogService(
        String id,
        String name,
        String description,
        boolean bindable,
        boolean planUpdateable,
        boolean instancesRetrievable,
        boolean bindingsRetrievable,
        List<String> tags,
        List<CatalogPlan> plans) {

    record CatalogPlan(
            String id,
            String name,
            String description,
            boolean free,
            Boolean bindable,
            Boolean planUpdateable,
            Integer maximumPollingDuration,
            String maintenanceInfo) {
    }
}
