package io.provisioner.local;

/**
 * {@code java -jar local/target/provisioner-local.jar}: the whole of Provisioner on one machine with no
 * installed services. Settings come from environment variables (see {@link LocalSettings}).
 */
public final class LocalProvisioner {

    private LocalProvisioner() {
    }

    public static void main(String[] args) {
        LocalStack stack = LocalStack.start(LocalSettings.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "provisioner-shutdown"));
    }
}
