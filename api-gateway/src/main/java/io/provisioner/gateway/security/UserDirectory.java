package io.provisioner.gateway.security;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Where user names live (UAA's users): Cloud Controller keeps only user guids and asks UAA for the rest.
 * The local token issuer provides one; against a real UAA there is none yet, and the by-username role
 * endpoints answer {@code CF-UaaUnavailable}.
 */
public interface UserDirectory {

    Optional<String> idForUsername(String username);

    /** The names of those ids that are known. */
    Map<String, String> usernames(Collection<String> ids);
}
