package io.provisioner.worker;

import java.io.IOException;
import java.util.List;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** Binds settings records from a YAML file the way Spring Boot does, without a context. */
public final class YamlBinding {

    private YamlBinding() {
    }

    public static <T> T bind(String resource, String prefix, Class<T> type) {
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource));
            StandardEnvironment environment = new StandardEnvironment();
            sources.forEach(environment.getPropertySources()::addFirst);
            return new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate(prefix, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binds with no properties at all: the defaults. */
    public static <T> T defaults(String prefix, Class<T> type) {
        return new Binder(ConfigurationPropertySources.get(new StandardEnvironment())).bindOrCreate(prefix, type);
    }
}
