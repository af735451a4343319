package io.provisioner.samplebroker;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/** Service bindings; with a data dir, one file each under {@code <data-dir>/bindings/}. */
@Component
class BindingStore extends FileBackedStore<Binding> {

    BindingStore(SampleBrokerProperties properties, JsonMapper mapper) {
        super(properties, mapper, "bindings", Binding.class, Binding::id);
    }
}
