package io.provisioner.gateway.security;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import io.provisioner.gateway.api.CfError;

/** The caller of the current request, from its verified token. */
@Component
public class Callers {

    public Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || authentication.getName() == null) {
            throw CfError.NOT_AUTHENTICATED.exception("Authentication error");
        }
        return of(authentication);
    }

    /** A verified token's caller: its user (or client) and its scopes. */
    static Caller of(Authentication authentication) {
        Set<String> scopes = authentication.getAuthorities().stream().map(a -> a.getAuthority())
                .filter(a -> a.startsWith("SCOPE_")).map(a -> a.substring(6)).collect(Collectors.toUnmodifiableSet());
        return new Caller(authentication.getName(), scopes);
    }
}
