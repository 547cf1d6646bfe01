package io.taskhive.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps the login token in {@code $XDG_CONFIG_HOME/taskhive/token} (or {@code ~/.config/...}),
 * readable by its owner only (0600).
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

    void write(String token) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling("token.tmp");
            Files.deleteIfExists(temporary);
            if (supportsPosix(file.getParent())) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(temporary, token);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
