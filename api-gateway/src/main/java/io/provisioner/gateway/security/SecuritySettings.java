package io.provisioner.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How bearer tokens are checked.
 *
 * @param issuer the {@code iss} every token must carry (UAA's is {@code <uaa>/oauth/token})
 * @param jwkSetUri where the issuer's public keys are (a UAA's {@code /token_keys}); empty means the
 *                  local token issuer's own key
 * @param audience the audience every token must name
 * @param verifiedTokensKept how many checked tokens are kept, so a caller's next request skips the signature
 * @param verifiedTokensKeptFor how long a checked token is kept (its expiry and revocation are checked at
 *                              each use regardless)
 */
@ConfigurationProperties("provisioner.security")
record SecuritySettings(String issuer, @DefaultValue("") String jwkSetUri,
        @DefaultValue("cloud_controller") String audience, @DefaultValue("10000") long verifiedTokensKept,
        @DefaultValue("10m") java.time.Duration verifiedTokensKeptFor) {
}
