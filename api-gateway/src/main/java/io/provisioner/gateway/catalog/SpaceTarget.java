package io.provisioner.gateway.catalog;

/** A space with its organization, as provisioning sends them to the broker. */
public record SpaceTarget(String guid, String name, String organizationGuid, String organizationName) {
}
