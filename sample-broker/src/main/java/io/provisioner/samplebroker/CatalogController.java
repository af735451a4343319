package io.provisioner.samplebroker;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /v2/catalog}: the configured catalog without the behaviour settings of the plans. */
@RestController
class CatalogController {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CatalogBody(List<ServiceBody> services) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ServiceBody(String name, String id, String description, List<String> tags, boolean bindable,
            boolean planUpdateable, boolean instancesRetrievable, boolean bindingsRetrievable, List<PlanBody> plans) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PlanBody(String name, String id, String description, Boolean free, Boolean planUpdateable,
            Map<String, String> maintenanceInfo, Integer maximumPollingDuration) {
    }

    private final CatalogBody catalog; // configuration does not change while running: render once

    CatalogController(SampleBrokerProperties properties) {
        this.catalog = new CatalogBody(properties.catalog().services().stream()
                .map(s -> new ServiceBody(s.name(), s.id(), s.description(), s.tags(), s.bindable(),
                        s.planUpdateable(), s.instancesRetrievable(), s.bindingsRetrievable(),
                        s.plans().stream().map(CatalogController::plan).toList()))
                .toList());
    }

    private static PlanBody plan(SampleBrokerProperties.Plan p) {
        Map<String, String> maintenanceInfo = p.maintenanceInfoVersion() == null ? null
                : Map.of("version", p.maintenanceInfoVersion());
        return new PlanBody(p.name(), p.id(), p.description(), p.free(), p.planUpdateable(), maintenanceInfo,
                p.maximumPollingDuration());
    }

    @GetMapping("/v2/catalog")
    CatalogBody catalog() {
        return catalog;
    }
}
