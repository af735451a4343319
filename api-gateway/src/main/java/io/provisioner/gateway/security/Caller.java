package io.provisioner.gateway.security;

import java.util.Set;

/**
 * Who is asking: the token's {@code user_id} (a client's id for client tokens) and its scopes.
 */
public record Caller(String userId, Set<String> scopes) {

    public static final String ADMIN = "cloud_controller.admin";
    public static final String ADMIN_READ_ONLY = "cloud_controller.admin_read_only";
    public static final String GLOBAL_AUDITOR = "cloud_controller.global_auditor";
    public static final String READ = "cloud_controller.read";
    public static final String WRITE = "cloud_controller.write";
    /** Scopes that allow changes (any one of them). */
    public static final java.util.List<String> WRITE_SCOPES = java.util.List.of(ADMIN, WRITE);

    public boolean admin() {
        return scopes.contains(ADMIN);
    }

    /** Sees everything without a role: admins, read-only admins and global auditors. */
    public boolean readsEverything() {
        return admin() || scopes.contains(ADMIN_READ_ONLY) || scopes.contains(GLOBAL_AUDITOR);
    }
}
