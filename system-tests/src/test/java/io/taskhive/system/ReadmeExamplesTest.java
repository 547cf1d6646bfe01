package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples run as written, in order, against the running system: the shell blocks of
 * "The API by example", "Recurring schedules" and "Artifacts", the TCP session, and the command-line client's block. Each {@code # -> }
 * line is the output of the commands above it ({@code …} stands for what varies); in the TCP session
 * the lines with an {@code "action"} are sent and the others must arrive (events may come between).
 *
 * <p>Only addresses are changed: {@code http://localhost:8080} and {@code localhost 5000} become the
 * test system's ports (the client gets them as {@code TASKHIVE_HOST}/{@code TASKHIVE_PORT}), the admin
 * account comes as {@code TASKHIVE_ADMIN_USERNAME}/{@code _PASSWORD} as the gateway was started
 * with, and the client's build line only checks that {@code ./mvnw} has built it already. Bash runs
 * with {@code set -u}, so a variable no earlier line set fails the test.
 */
class ReadmeExamplesTest extends ApiTestSupport {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
    private static final String EXPECT = "# -> ";
    private static final String CHECKPOINT = "@@README-CHECK@@";

    @TempDir
    Path home;

    private int checked;

    @Test
    void theApiTcpAndCommandLineExamplesRunInOrderAndPrintWhatTheReadmeShows() throws Exception {
        String readme = Files.readString(REPOSITORY.resolve("README.md"));
        String api = onlyBlock(readme, "## The API by example");
        String tcp = onlyBlock(readme, "## The TCP protocol by example");
        String cli = onlyBlock(readme, "## The command-line client");
        String schedules = onlyBlock(readme, "## Recurring schedules");

        runShell("The API by example", api);
        runShell("Recurring schedules", schedules);
        runShell("Artifacts", onlyBlock(readme, "## Artifacts"));
        runTcpSession(tcp);
        Assumptions.assumeTrue(hasClientJar(), "skipped the client's block: taskhive-cli is not packaged "
                + "(./mvnw verify packages it before these tests)");
        runShell("The command-line client", cli);
        System.out.println("README-EXAMPLES blocks=5 outputs-checked=" + checked);
    }

    private static String onlyBlock(String readme, String heading) {
        int start = readme.indexOf("\n" + heading + "\n");
        assertThat(start).as(heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + heading.length());
        Matcher blocks = BASH_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            found.add(blocks.group(1));
        }
        assertThat(found).as("shell blocks under " + heading).hasSize(1);
        return found.getFirst();
    }

    /** Runs the block in one bash; each group of {@code # ->} lines becomes a checkpoint in its output. */
    private void runShell(String section, String block) throws Exception {
        List<String> script = new ArrayList<>(List.of("set -u -o pipefail"));
        List<String> expected = new ArrayList<>();
        List<String> group = null;
        for (String line : block.split("\n")) {
            if (line.startsWith(EXPECT)) {
                if (group == null) {
                    group = new ArrayList<>();
                    script.add("printf '\\n" + CHECKPOINT + "\\n'");
                    expected.add(null);
                }
                group.add(line.substring(EXPECT.length()));
                expected.set(expected.size() - 1, String.join("\n", group));
                continue;
            }
            group = null;
            if (line.startsWith("./mvnw ")) {
                line = "ls taskhive-cli/target/taskhive-cli-*-all.jar > /dev/null";
            }
            script.add(line.replace("http://localhost:8080", system.baseUrl));
        }
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", String.join("\n", script))
                .directory(REPOSITORY.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> environment = bash.environment();
        environment.remove("XDG_CONFIG_HOME");
        environment.remove("TASKHIVE_PASSWORD");
        environment.putAll(Map.of("HOME", home.toString(), "TASKHIVE_HOST", "127.0.0.1",
                "TASKHIVE_PORT", Integer.toString(system.tcpPort),
                "TASKHIVE_ADMIN_USERNAME", RunningSystem.ADMIN_USERNAME,
                "TASKHIVE_ADMIN_PASSWORD", RunningSystem.ADMIN_PASSWORD,
                "JAVA_HOME", Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent()
                        .toString()));
        Process process = bash.start();
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String stdout = read(process.getInputStream());
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(section + " finished").isTrue();
        String errors = stderr.get();
        assertThat(process.exitValue()).as(section + " exit status; stderr: " + errors).isZero();

        String[] outputs = stdout.split("\n" + Pattern.quote(CHECKPOINT) + "\n", -1);
        assertThat(outputs.length - 1).as(section + ": every checkpoint reached; stderr: " + errors)
                .isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(outputs[i].strip()).as(section + ", output #" + (i + 1) + "; stderr: " + errors)
                    .matches(shown(expected.get(i)));
            checked++;
        }
    }

    /** Sends the session's requests in order; each other line must be among the lines that arrive. */
    private void runTcpSession(String block) throws Exception {
        List<String> lines = block.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines.getFirst()).isEqualTo("$ nc localhost 5000");
        try (Socket socket = new Socket("127.0.0.1", system.tcpPort)) {
            socket.setSoTimeout(15_000);
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line : lines.subList(1, lines.size())) {
                if (line.contains("\"action\"")) {
                    out.write(line + "\n");
                    out.flush();
                    continue;
                }
                Pattern shown = shown(line);
                List<String> passed = new ArrayList<>();
                try {
                    for (String received = in.readLine(); !shown.matcher(received).matches(); received = in.readLine()) {
                        passed.add(received);
                    }
                } catch (SocketTimeoutException | NullPointerException e) {
                    throw new AssertionError("the TCP session never sent " + line + "; it sent " + passed, e);
                }
                checked++;
            }
        }
    }

    /** What the README shows as a pattern: the text as it stands, any text where it has "…". */
    private static Pattern shown(String text) {
        return Pattern.compile(java.util.Arrays.stream(text.split("…", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.DOTALL);
    }

    private static boolean hasClientJar() throws Exception {
        try (var files = Files.list(REPOSITORY.resolve("taskhive-cli").resolve("target"))) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith("-all.jar"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
