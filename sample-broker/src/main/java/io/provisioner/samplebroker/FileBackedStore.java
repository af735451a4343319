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
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records in memory and, when {@code sample-broker.data-dir} is set, one JSON file per record in a folder
 * of it. Each file is replaced atomically (write temp + rename) before the change becomes visible in
 * memory, so a client never sees an answer the broker would forget after kill -9. No fsync: a process
 * crash keeps the page cache; only a machine crash could lose the last writes.
 */
abstract class FileBackedStore<T> {

    private static final Logger log = LoggerFactory.getLogger(FileBackedStore.class);

    private final Map<String, T> records = new ConcurrentHashMap<>();
    /** Striped locks serialise changes per id (and its file) without one global lock. */
    private final Object[] locks = new Object[64];
    private final Path dir;
    private final JsonMapper mapper;
    private final Class<T> type;
    private final Function<T, String> idOf;

    FileBackedStore(SampleBrokerProperties properties, JsonMapper mapper, String folder, Class<T> type,
            Function<T, String> idOf) {
        this.mapper = mapper;
        this.type = type;
        this.idOf = idOf;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.dir = properties.persistent() ? Path.of(properties.dataDir()).resolve(folder) : null;
        if (dir != null) {
            load();
        }
    }

    T get(String id) {
        return records.get(id);
    }

    /** Runs a read-decide-write step for one id with no concurrent change to it. */
    <R> R locked(String id, Supplier<R> step) {
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            return step.get();
        }
    }

    /** Stores a new version of a record; call inside {@link #locked} for its id. */
    void put(T record) {
        if (dir != null) {
            write(record);
        }
        records.put(idOf.apply(record), record);
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
                        T record = mapper.readValue(file.toFile(), type);
                        records.put(idOf.apply(record), record);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load sample broker state from " + dir, e);
        }
        log.info("Loaded {} records from {}", records.size(), dir);
    }

    private void write(T record) {
        // Ids are arbitrary strings: hash them into safe, fixed-length file names.
        String id = idOf.apply(record);
        String name = fileName(id);
        try {
            Path temp = Files.createTempFile(dir, name, ".tmp");
            Files.write(temp, mapper.writeValueAsBytes(record));
            Files.move(temp, dir.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot persist " + type.getSimpleName() + " " + id, e);
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
