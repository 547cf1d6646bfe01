package io.taskhive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file: private to its owner, replaced whole, and a missing one is simply no login. */
class TokenStoreTest {

    @TempDir
    Path home;

    @Test
    void aTokenWrittenIsReadBackWithoutTheLineEnd() {
        TokenStore store = new TokenStore(home);
        assertThat(store.read()).as("no login yet").isNull();
        store.write("header.payload.signature");
        assertThat(store.read()).isEqualTo("header.payload.signature");
        assertThat(store.file()).isEqualTo(home.resolve("token"));
    }

    @Test
    void aTokenEditedByHandWithANewlineStillWorks() throws Exception {
        Files.writeString(home.resolve("token"), "  by-hand\n");
        assertThat(new TokenStore(home).read()).isEqualTo("by-hand");
    }

    @Test
    void theFileIsReadableByItsOwnerOnlyInADirectoryOnlyItsOwnerCanEnter() throws Exception {
        Path config = home.resolve("xdg").resolve("taskhive");
        new TokenStore(config).write("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("token"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rwx------");
    }

    @Test
    void aNewLoginReplacesTheTokenAndLeavesNoTemporaryFileBehind() throws Exception {
        TokenStore store = new TokenStore(home);
        store.write("first");
        // even over a file someone left readable by all: the new one is written apart and renamed
        Files.setPosixFilePermissions(home.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));
        store.write("second");
        assertThat(store.read()).isEqualTo("second");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("token"))))
                .isEqualTo("rw-------");
        try (var files = Files.list(home)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("token");
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsARefusalNamingTheFile() throws Exception {
        Path notADirectory = Files.writeString(home.resolve("config"), "a file where the directory should be");
        TokenStore store = new TokenStore(notADirectory.resolve("taskhive"));
        assertThatThrownBy(() -> store.write("t")).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(CliException.REFUSED);
            assertThat(e.getMessage()).startsWith("cannot keep the token in " + store.file());
        });
    }
}
