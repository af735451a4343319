package io.provisioner.gateway.catalog;

/** A broker's catalog could not be fetched or made no sense; nothing was stored. */
public class BrokerCatalogException extends RuntimeException {

    public BrokerCatalogException(String message) {
        super(message);
    }
}
