package io.provisioner.samplebroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Instances in memory and, when {@code sample-broker.data-dir} is set, one JSON file per instance.
 * Each file is replaced atomically (write temp + rename) before the change becomes visible in memory,
 * so a client never sees an answer the broker would forget after kill -9. No fsync: a process
 * crash keeps the page cache; only a machine crash could lose the last writes.
 */
@Component
class InstanceStore {

    private static final Logger log = LoggerFactory.getLogger(InstanceStore.class);

    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    /** Striped locks serialise changes per instance id (and its file) without one global lock. */
    private final Object[] locks = new Object[64];
    private final Path dir;
    private final JsonMapper mapper;

    InstanceStore(SampleBrokerProperties properties, JsonMapper mapper) {
        this.mapper = mapper;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.dir = properties.persistent() ? Path.of(properties.dataDir()).resolve("instances") : null;
        if (dir != null) {
            load();
        }
    }

    Instance get(String id) {
        return instances.get(id);
    }

    /** Runs a read-decide-write step for one instance id with no concurrent change to it. */
    <T> T locked(String id, Supplier<T> step) {
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            return step.get();
        }
    }

    /** Stores a new version of an instance; call inside {@link #locked} for that id. */
    void put(Instance instance) {
        if (dir != null) {
            write(instance);
        }
        instances.put(instance.id(), instance);
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(file); // a write interrupted before its rename
                    } else if (name.endsWith(".json")) {
                        Instance instance = mapper.readValue(file.toFile(), Instance.class);
                        instances.put(instance.id(), instance);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load sample broker state from " + dir, e);
        }
        log.info("Loaded {} service instances from {}", instances.size(), dir);
    }

    private void write(Instance instance) {
        // Instance ids are arbitrary strings: hash them into safe, fixed-length file names.
        String name = fileName(instance.id());
        try {
            Path temp = Files.createTempFile(dir, name, ".tmp");
            Files.write(temp, mapper.writeValueAsBytes(instance));
            Files.move(temp, dir.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot persist service instance " + instance.id(), e);
        }
    }

    private static String fileName(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
