package io.provisioner.gateway.uaa;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The local issuer's state: issued grants and revocations, changed passwords, the login throttle. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "provisioner.token-issuer.enabled", havingValue = "true")
class TokenIssuerConfiguration {

    @Bean
    IssuedTokens issuedTokens(JdbcClient jdbc, Clock clock) {
        return new IssuedTokens(jdbc, clock);
    }

    @Bean
    UserCredentials userCredentials(TokenIssuerSettings settings, JdbcClient jdbc, Clock clock, SigningKey key) {
        return new UserCredentials(settings, jdbc, clock, key);
    }

    @Bean
    io.provisioner.gateway.security.UserDirectory localUserDirectory(UserCredentials credentials) {
        return new LocalUserDirectory(credentials);
    }

    @Bean
    LoginThrottle loginThrottle(TokenIssuerSettings settings, Clock clock) {
        return new LoginThrottle(settings.lockout(), clock);
    }
}
