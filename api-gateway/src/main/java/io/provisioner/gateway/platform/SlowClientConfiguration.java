package io.provisioner.gateway.platform;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds what slow clients hold: Tomcat's upload timeout (the longest silence while a body arrives,
 * instead of the connection timeout) and {@link SlowClientValve}. Virtual threads would make a waiting
 * request cheap too, but need Java 21; the gateway runs on 17.
 */
@Configuration(proxyBeanMethods = false)
class SlowClientConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> slowClients(SlowClientSettings settings) {
        return factory -> {
            factory.addConnectorCustomizers(connector -> {
                connector.setProperty("disableUploadTimeout", "false");
                connector.setProperty("connectionUploadTimeout", String.valueOf(settings.bodyReadTimeout().toMillis()));
            });
            factory.addContextValves(new SlowClientValve(settings.maxBodyRequestsPerAddress()));
        };
    }
}
