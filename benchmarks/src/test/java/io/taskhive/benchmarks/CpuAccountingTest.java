package io.taskhive.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL's short-lived processes (autovacuum and parallel workers) end between two snapshots;
 * their CPU must still count for PostgreSQL, through the parent that reaped them. A shell under a
 * name of its own plays the postmaster here: it runs a busy child to its end, then waits.
 */
@EnabledOnOs(OS.LINUX)
class CpuAccountingTest {

    /** The child's loop: a fixed amount of work, whatever the machine's load (CPU time, not wall time). */
    private static final String BUSY_CHILD = "i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done";

    @Test
    void aChildThatEndedBetweenTwoSnapshotsCountsForItsParentsCommand(@TempDir Path directory) throws Exception {
        String command = "cpuacct-" + ProcessHandle.current().pid() % 100_000;
        Path shell = directory.resolve(command);
        Files.copy(Path.of("/bin/sh"), shell);
        assertTrue(shell.toFile().setExecutable(true));
        assertEquals(0, CpuAccounting.commandTicks(command), "no process of that name yet");

        Process parent = new ProcessBuilder(shell.toString(), "-c",
                "'" + shell + "' -c '" + BUSY_CHILD + "'; echo ended; read line").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ended", out.readLine(), "the child ran to its end");
            long ticks = CpuAccounting.commandTicks(command);
            // The parent's own ticks are ~0 (it only waits); the child's loop takes ~0.1-0.5 s of CPU.
            assertTrue(ticks >= 5, "the ended child's CPU counts, through its parent: " + ticks + " ticks");
        } finally {
            parent.getOutputStream().close();
            if (!parent.waitFor(10, TimeUnit.SECONDS)) {
                parent.destroyForcibly();
            }
        }
    }
}
