package io.provisioner.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings the whole worker shares.
 *
 * @param secretKey base64 of the 32-byte AES key the gateway seals broker passwords with
 */
@ConfigurationProperties("provisioner.worker")
record WorkerSettings(String secretKey) {

    WorkerSettings {
        // Without the key no broker can be called; failing at start-up beats failing every operation.
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("provisioner.worker.secret-key (environment variable "
                    + "PROVISIONER_SECRET_KEY) is empty: set it to the base64 32-byte key the api-gateway uses "
                    + "to seal broker passwords");
        }
    }

    @Override
    public String toString() {
        return "WorkerSettings[secretKey=<hidden>]";
    }
}
