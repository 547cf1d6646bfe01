package io.taskhive.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secrets of one standalone installation, generated at its first start and kept in its data
 * directory (files readable by their owner only), so tokens and the printed passwords stay valid
 * across restarts. A local installation's own random values; never defaults shared by everyone.
 */
final class StandaloneSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;

    StandaloneSecrets(Path directory) {
        this.directory = directory;
    }

    /** The token signing key (48 random bytes, base64). */
    String jwtSecret() {
        return kept("jwt-secret", 48);
    }

    /** The password of the ready-made account {@code name}. */
    String password(String name) {
        return kept(name + ".password", 12);
    }

    private String kept(String name, int bytes) {
        Path file = directory.resolve(name);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(directory);
            byte[] random = new byte[bytes];
            RANDOM.nextBytes(random);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path temporary = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(directory, name, ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(directory, name, ".tmp");
            Files.writeString(temporary, value);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret " + file + ": " + e.getMessage(), e);
        }
    }
}
