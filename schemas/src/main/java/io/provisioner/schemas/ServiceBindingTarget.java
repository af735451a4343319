package io.provisioner.schemas;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The service binding an operation is about (a service key, in Cloud Controller's words): set on a
 * {@link ProvisioningRequested} of type {@code io.provisioner.binding.requested.v1}, where {@code create}
 * means bind and {@code delete} means unbind.
 *
 * @param bindingGuid the binding's id at the broker ({@code :binding_id}), the key's guid
 * @param bindingName the key's name, for logs and the broker's context
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ServiceBindingTarget(String bindingGuid, String bindingName) {
}
