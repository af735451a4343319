package io.provisioner.gateway.api;

/** A request the API refuses, with the Cloud Controller error it answers. */
public class CfException extends RuntimeException {

    private final CfError error;

    public CfException(CfError error, String description) {
        super(description, null, false, false);
        this.error = error;
    }

    public CfError error() {
        return error;
    }
}
