package io.provisioner.gateway.catalog;

/**
 * A plan as provisioning sees it.
 *
 * @param planId the broker's id of the plan
 * @param serviceId the broker's id of the service
 */
public record PlanTarget(String planGuid, String planId, String serviceGuid, String serviceId,
        Integer maximumPollingDuration, boolean planUpdateable, boolean active, String maintenanceInfo,
        Broker broker) {

    /** How to reach the broker; the password stays sealed. */
    public record Broker(String guid, String name, String url, String username, String sealedPassword) {

        @Override
        public String toString() {
            return "Broker[guid=" + guid + ", name=" + name + ", url=" + url + "]";
        }
    }
}
