package io.provisioner.worker.polling;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PollingConfiguration {

    @Bean
    PollPolicy pollPolicy(PollingSettings settings, Clock clock) {
        return new PollPolicy(settings, clock);
    }
}
