package io.provisioner.gateway.serviceinstance;

import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.catalog.BrokerParameters;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.security.Caller;

/**
 * {@code GET /v2/service_instances/:guid/parameters} as Cloud Controller answers it: the platform keeps
 * no parameters (they are secrets), so it asks the broker ({@link BrokerParameters}) when the service is
 * {@code instances_retrievable}, and refuses with 120004 otherwise.
 */
@Component
class InstanceParameters {

    private final CatalogStore catalog;
    private final BrokerParameters broker;

    InstanceParameters(CatalogStore catalog, BrokerParameters broker) {
        this.catalog = catalog;
        this.broker = broker;
    }

    /** The instance's parameters as JSON text, from its broker. */
    String fetch(ServiceInstanceRecord instance, Caller caller) {
        if (!catalog.instancesRetrievable(instance.serviceGuid())) {
            throw CfError.SERVICE_FETCH_INSTANCE_PARAMETERS_NOT_SUPPORTED.exception(
                    "This service does not support fetching service instance parameters.");
        }
        return broker.ofInstance(catalog.planTarget(instance.planGuid()).orElseThrow(), instance.guid(), caller);
    }
}
