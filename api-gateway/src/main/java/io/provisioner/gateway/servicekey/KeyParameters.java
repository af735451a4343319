package io.provisioner.gateway.servicekey;

import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.CfError;
import io.provisioner.gateway.catalog.BrokerParameters;
import io.provisioner.gateway.catalog.CatalogStore;
import io.provisioner.gateway.security.Caller;
import io.provisioner.gateway.security.Permissions;
import io.provisioner.schemas.OperationState;

/**
 * {@code GET /v2/service_keys/:guid/parameters} as Cloud Controller answers it. The platform keeps no
 * parameters, so it asks the broker for the binding ({@link BrokerParameters}) when the service is
 * {@code bindings_retrievable}, and refuses with 360004 otherwise. Parameters are secrets like the
 * credentials: only admins, read-only admins and the space's developers get them; anyone else is told the
 * key does not exist (404), as Cloud Controller does.
 */
@Component
class KeyParameters {

    private final ServiceKeyStore store;
    private final CatalogStore catalog;
    private final Permissions permissions;
    private final BrokerParameters broker;

    KeyParameters(ServiceKeyStore store, CatalogStore catalog, Permissions permissions, BrokerParameters broker) {
        this.store = store;
        this.catalog = catalog;
        this.permissions = permissions;
        this.broker = broker;
    }

    /** The key's parameters as JSON text, from its broker. */
    String fetch(String guid, Caller caller) {
        ServiceKeyRecord key = store.find(guid).orElseThrow(() -> ServiceKeys.keyNotFound(guid));
        if (!permissions.spaceDeveloper(caller, key.spaceGuid()) && !caller.scopes().contains(Caller.ADMIN_READ_ONLY)) {
            throw ServiceKeys.keyNotFound(guid);
        }
        InstanceOfKey instance = store.instance(key.instanceGuid()).orElseThrow(() -> ServiceKeys.keyNotFound(guid));
        if (!catalog.bindingsRetrievable(instance.planGuid())) {
            throw CfError.SERVICE_KEY_NOT_SUPPORTED.exception(
                    "This service does not support fetching service key parameters.");
        }
        if (key.operationState() == OperationState.IN_PROGRESS) {
            throw CfError.BINDING_OPERATION_IN_PROGRESS.exception("An operation for the service key " + key.name()
                    + " of service instance " + instance.name() + " is in progress.");
        }
        return broker.ofBinding(catalog.planTarget(instance.planGuid()).orElseThrow(), instance.guid(), key.guid(),
                caller);
    }
}
