package io.provisioner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data folder holds the token signing key, the secret key and the database: only its owner may read
 * it (700 for folders, 600 for files). Existing folders are tightened on every start. On a file system
 * without POSIX permissions this does nothing.
 */
final class OwnerOnly {

    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {
    }

    /** Creates the folder (and missing parents) owner-only, or makes an existing one so. */
    static Path folder(Path folder) {
        try {
            if (!POSIX) {
                return Files.createDirectories(folder);
            }
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
            }
            Files.setPosixFilePermissions(folder, FOLDER);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + folder + " owner-only", e);
        }
    }

    /** Makes an existing file owner-only. */
    static void file(Path file) {
        try {
            if (POSIX && Files.isRegularFile(file)) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " owner-only", e);
        }
    }

    /** Makes the files directly in a folder owner-only (a database's files, created by the database). */
    static void filesIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(OwnerOnly::file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** Writes a new file that is owner-only from its first byte. */
    static void write(Path file, String content) {
        try {
            if (POSIX) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
                Files.writeString(file, content, java.nio.charset.StandardCharsets.US_ASCII);
            } else {
                Files.writeString(file, content, java.nio.charset.StandardCharsets.US_ASCII,
                        java.nio.file.StandardOpenOption.CREATE_NEW);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
