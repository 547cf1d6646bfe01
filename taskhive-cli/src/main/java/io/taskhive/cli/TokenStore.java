package io.taskhive.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps the login token in {@code $XDG_CONFIG_HOME/taskhive/token} (or {@code ~/.config/...}),
 * readable by its owner only (0600, in a directory created 0700).
 */
final class TokenStore {

    private final Path file;

    TokenStore(Path configDir) {
        this.file = configDir.resolve("token");
    }

    static Path defaultConfigDir() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".config") : Path.of(xdg);
        return base.resolve("taskhive");
    }

    String read() {
        try {
            return Files.exists(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Written whole or not at all (a temporary file renamed over it), never readable by others. */
    void write(String token) {
        Path directory = file.getParent();
        try {
            boolean posix = supportsPosix(directory.getFileSystem().getPath("/"));
            if (!Files.isDirectory(directory)) {
                if (posix) {
                    Files.createDirectories(directory,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(directory);
                }
            }
            // a unique name, so two logins at once cannot write into each other's file
            Path temporary = posix
                    ? Files.createTempFile(directory, "token", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(directory, "token", ".tmp");
            try {
                Files.writeString(temporary, token);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new CliException(CliException.REFUSED, "cannot keep the token in " + file + ": " + e.getMessage());
        }
    }

    Path file() {
        return file;
    }

    private static boolean supportsPosix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().containsAll(Set.of("posix"));
    }
}
