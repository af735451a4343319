package io.provisioner.samplebroker;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/** Service instances; with a data dir, one file each under {@code <data-dir>/instances/}. */
@Component
class InstanceStore extends FileBackedStore<Instance> {

    InstanceStore(SampleBrokerProperties properties, JsonMapper mapper) {
        super(properties, mapper, "instances", Instance.class, Instance::id);
    }
}
