package io.provisioner.gateway.uaa;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.provisioner.gateway.security.UserDirectory;

/** The local issuer's users as the directory of user names (configured ones and those made over SCIM). */
final class LocalUserDirectory implements UserDirectory {

    private final UserCredentials credentials;

    LocalUserDirectory(UserCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public Optional<String> idForUsername(String username) {
        return credentials.user(username).map(TokenIssuerSettings.User::id);
    }

    @Override
    public Map<String, String> usernames(Collection<String> ids) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String id : ids) {
            credentials.userById(id).ifPresent(user -> names.put(id, user.username()));
        }
        return names;
    }
}
