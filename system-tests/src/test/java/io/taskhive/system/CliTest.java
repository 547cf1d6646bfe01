package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.taskhive.cli.TaskhiveCli;
import tools.jackson.databind.JsonNode;

/** The real taskhive command, each invocation its own process, against the running gateway. */
class CliTest extends ApiTestSupport {

    @TempDir
    Path config;

    record Run(int exit, String out, String err) {
    }

    private Run cliWithInput(String stdin, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return run(stdin, Map.of(), new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                TaskhiveCli.class.getName())), args);
    }

    private Run run(String stdin, Map<String, String> environment, List<String> command, String... args)
            throws Exception {
        command.add("--config-dir=" + config);
        if (!List.of(args).contains("--port")) {
            command.add("--port=" + system.tcpPort);
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("taskhive " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Run cli(String... args) throws Exception {
        return cliWithInput("", args);
    }

    @Test
    void aReportsFileIsSavedWithOutputOverTcpAndHttp() throws Exception {
        String name = "c" + UUID.randomUUID().toString().substring(0, 10);
        assertThat(cli("register", "-u", name, "-p", "cli-password-1").exit()).isZero();
        assertThat(cli("login", "-u", name, "-p", "cli-password-1").exit()).isZero();
        String text = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "w" + i)
                .collect(java.util.stream.Collectors.joining(" "));
        Run submitted = cli("--json", "submit", "--type", "report", "--content", text, "--wait=30");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        JsonNode task = ApiClient.JSON.readTree(submitted.out());
        String id = task.get("id").stringValue();
        JsonNode artifact = ApiClient.JSON.readTree(cli("--json", "get", id).out()).get("artifact");
        assertThat(artifact.get("stored").stringValue()).as("above the test system's threshold").isEqualTo("artifact");

        Path overTcp = config.resolve("over-tcp.csv");
        Run tcp = cli("get", id, "--output", overTcp.toString());
        assertThat(tcp.exit()).as(tcp.err()).isZero();
        assertThat(tcp.out()).contains("saved " + artifact.get("size").longValue() + " bytes to " + overTcp);
        Path overHttp = config.resolve("over-http.csv");
        Run http = cli("--http", system.baseUrl, "get", id, "-o", overHttp.toString());
        assertThat(http.exit()).as(http.err()).isZero();
        byte[] content = Files.readAllBytes(overTcp);
        assertThat(Files.readAllBytes(overHttp)).isEqualTo(content);
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(content))).isEqualTo(artifact.get("sha256").stringValue());
        assertThat(new String(content, StandardCharsets.UTF_8)).startsWith("rank,word,count");

        Run none = cli("get", UUID.randomUUID().toString(), "--output", config.resolve("none.csv").toString());
        assertThat(none.exit()).isEqualTo(4);
        assertThat(Files.exists(config.resolve("none.csv"))).isFalse();
    }

    @Test
    void registerLoginSubmitFollowAndCancelFromTheCommandLine() throws Exception {
        String name = "c" + UUID.randomUUID().toString().substring(0, 10);
        assertThat(cli("list").exit()).as("not logged in yet").isEqualTo(3);
        Run registered = cli("register", "-u", name, "-p", "cli-password-1");
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("registered " + name);
        assertThat(cli("register", "-u", name, "-p", "cli-password-1").exit()).isEqualTo(5);
        assertThat(cli("login", "-u", name, "-p", "wrong-password").exit()).isEqualTo(3);
        assertThat(cli("login", "-u", name, "-p", "cli-password-1").exit()).isZero();
        Path token = config.resolve("token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");

        Run upper = cli("submit", "--type", "uppercase", "--content", "hola mundo", "--wait");
        assertThat(upper.exit()).as(upper.err()).isZero();
        assertThat(upper.out()).contains("SUCCEEDED").contains("HOLA MUNDO");

        Run byCode = cli("--json", "submit", "--type", "2", "--content", "abc", "--wait=30");
        JsonNode task = ApiClient.JSON.readTree(byCode.out());
        assertThat(task.get("result").get("text").stringValue()).isEqualTo("cba");

        JsonNode sleeping = ApiClient.JSON.readTree(cli("--json", "submit", "-t", "sleep", "-c", "30").out());
        String id = sleeping.get("id").stringValue();
        Run cancelled = cli("cancel", id);
        assertThat(cancelled.out()).contains("CANCELLED");
        assertThat(cli("get", id).out()).contains("CANCELLED");

        JsonNode page = ApiClient.JSON.readTree(cli("--json", "list").out());
        assertThat(page.get("totalItems").longValue()).isEqualTo(3);
        assertThat(cli("get", UUID.randomUUID().toString()).exit()).isEqualTo(4);
        Run refused = cli("submit", "--type", "shout", "--content", "x");
        assertThat(refused.exit()).isEqualTo(5);
        assertThat(refused.err()).contains("unknown task type");
        assertThat(cli("--http", system.baseUrl, "list").exit()).isZero();
        assertThat(cli("--port", Integer.toString(closedPort()), "list").exit()).isEqualTo(6);
    }

    @Test
    void submitSchedulesATaskForLaterWithAPriorityOverTheSocketAndOverHttp() throws Exception {
        User user = newUser();
        cli("login", "-u", user.username(), "-p", user.password());
        Run later = cli("submit", "-t", "uppercase", "-c", "later", "--delay", "1h", "--priority", "7");
        assertThat(later.exit()).as(later.err()).isZero();
        assertThat(later.out()).contains("SCHEDULED").contains("runs at ");
        assertThat(ApiClient.JSON.readTree(cli("--json", "list", "--status", "SCHEDULED").out()).get("items").get(0)
                .get("priority").intValue()).isEqualTo(7);
        String runAt = java.time.Instant.now().plusSeconds(7_200).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        JsonNode atTime = ApiClient.JSON.readTree(cli("--json", "--http", system.baseUrl, "submit", "-t", "uppercase",
                "-c", "at a time", "--at", runAt).out());
        assertThat(atTime.get("status").stringValue()).isEqualTo("SCHEDULED");
        assertThat(java.time.Instant.parse(atTime.get("runAt").stringValue())).isEqualTo(runAt);

        Run unreadable = cli("submit", "-t", "uppercase", "-c", "x", "--delay", "soonish");
        assertThat(unreadable.exit()).isEqualTo(5);
        assertThat(unreadable.err()).contains("delay is a duration such as 30s");
        assertThat(cli("submit", "-t", "uppercase", "-c", "x", "--delay", "1m", "--at", runAt).exit()).isEqualTo(2);
        assertThat(cli("--json", "list", "--status", "SCHEDULED").out()).contains(atTime.get("id").stringValue());
        assertThat(cli("quotas").out()).contains("running 0 of at most 1000; waiting 2 of at most 100000");
        assertThat(ApiClient.JSON.readTree(cli("--json", "--http", system.baseUrl, "quotas").out()).get("waiting")
                .intValue()).isEqualTo(2);
    }

    @Test
    void watchFollowsATaskToItsOutcomeEvenOneThatHasFinishedAlready() throws Exception {
        User user = newUser();
        cli("login", "-u", user.username(), "-p", user.password());
        String id = submit(user, "sleep", Map.of("seconds", 4)).get("id").stringValue();
        Run watched = cli("watch", id);
        assertThat(watched.exit()).as(watched.err()).isZero();
        assertThat(watched.out()).contains(id).contains("SUCCEEDED");

        String done = submit(user, "uppercase", Map.of("text", "ya")).get("id").stringValue();
        awaitStatus(user, done, io.taskhive.task.TaskStatus.SUCCEEDED, java.time.Duration.ofSeconds(30));
        Run finished = cli("watch", done);
        assertThat(finished.exit()).as(finished.err()).isZero();
        assertThat(finished.out()).contains(done).contains("SUCCEEDED");
    }

    @Test
    void schedulesAreCreatedListedPausedResumedAndDeletedOverTcpAndRest() throws Exception {
        User user = newUser();
        cli("login", "-u", user.username(), "-p", user.password());
        Run created = cli("--json", "schedule", "create", "--name", "nightly", "--cron", "0 0 2 * * *",
                "--time-zone", "Europe/Madrid", "--type", "word_count", "--content", "uno dos", "--missed", "RUN_ONCE",
                "--priority", "4");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode schedule = ApiClient.JSON.readTree(created.out());
        String id = schedule.get("id").stringValue();
        assertThat(schedule.get("nextRunTimes")).hasSize(5);
        assertThat(schedule.get("missedRunPolicy").stringValue()).isEqualTo("RUN_ONCE");
        assertThat(schedule.get("task").get("priority").intValue()).isEqualTo(4);

        Run paused = cli("schedule", "pause", id);
        assertThat(paused.exit()).as(paused.err()).isZero();
        assertThat(paused.out()).contains(id + "  nightly  cron '0 0 2 * * *' Europe/Madrid  word_count  paused");
        Run resumed = cli("--http", system.baseUrl, "schedule", "resume", id);
        assertThat(resumed.out()).as(resumed.err()).contains("nightly").contains("next 20");
        Run listed = cli("schedule", "list");
        assertThat(listed.out()).contains(id).contains("1 schedule(s)");

        Run bad = cli("schedule", "create", "--name", "broken", "--cron", "whenever", "--type", "uppercase",
                "--content", "x");
        assertThat(bad.exit()).isEqualTo(5);
        assertThat(bad.err()).contains("cron 'whenever' is not valid");
        assertThat(cli("schedule", "create", "--name", "both", "--cron", "@daily", "--every", "60", "--type",
                "uppercase", "--content", "x").exit()).isEqualTo(2);

        Run deleted = cli("--http", system.baseUrl, "schedule", "delete", id);
        assertThat(deleted.out()).as(deleted.err()).contains("deleted " + id);
        assertThat(cli("schedule", "get", id).exit()).isEqualTo(4);
    }

    @Test
    void theShippedLauncherRunsThePackagedJarAndAsksForPasswords() throws Exception {
        Path launcher = packagedLauncher();
        String name = "p" + UUID.randomUUID().toString().substring(0, 10);
        Map<String, String> environment = Map.of("JAVA_HOME", Path.of(ProcessHandle.current().info().command()
                .orElseThrow()).getParent().getParent().toString());
        Run registered = run("launcher-password-1\n", environment, new ArrayList<>(List.of(launcher.toString())),
                "register", "-u", name);
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("registered " + name);
        Map<String, String> withPassword = new java.util.HashMap<>(environment);
        withPassword.put("TASKHIVE_PASSWORD", "launcher-password-1");
        Run loggedIn = run("", withPassword, new ArrayList<>(List.of(launcher.toString())), "login", "-u", name);
        assertThat(loggedIn.exit()).as(loggedIn.err()).isZero();
        Run submitted = run("", environment, new ArrayList<>(List.of(launcher.toString())),
                "--http", system.baseUrl, "submit", "-t", "word_count", "-c", "uno dos tres", "--wait=30",
                "--idempotency-key", "launcher-1");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        assertThat(submitted.out()).contains("SUCCEEDED").contains("\"count\":3");
        Run unfinished = run("", environment, new ArrayList<>(List.of(launcher.toString())),
                "submit", "-t", "sleep", "-c", "5", "--wait=1");
        assertThat(unfinished.exit()).as("still running when --wait ran out").isEqualTo(7);
    }

    @Test
    void theLauncherSaysWhichJavaItNeedsInsteadOfCrashingOnAnOldOne() throws Exception {
        Path launcher = packagedLauncher();
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(java17.resolve("bin/java")),
                "skipped: no Java 17 on this machine to try the launcher with");
        Run old = run("", Map.of("JAVA_HOME", java17.toString()), new ArrayList<>(List.of(launcher.toString())), "ping");
        assertThat(old.exit()).isEqualTo(2);
        assertThat(old.err()).contains("needs Java 21 or newer").doesNotContain("UnsupportedClassVersionError");
    }

    @Test
    void theInteractiveMenuWorksFromStandardInput() throws Exception {
        String name = "m" + UUID.randomUUID().toString().substring(0, 10);
        Run menu = cliWithInput("1\n" + name + "\nmenu-password-1\n2\n" + name + "\nmenu-password-1\n3\nuppercase\nhola menu\n4\n0\n");
        assertThat(menu.exit()).as(menu.err()).isZero();
        assertThat(menu.out()).contains("registered " + name).contains("logged in as " + name)
                .contains("HOLA MENU").contains("1 task(s)");
    }

    /** The shipped {@code taskhive} script, once the jar it runs has been packaged. */
    private static Path packagedLauncher() throws IOException {
        try (var built = Files.list(Path.of("..", "taskhive-cli", "target"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(built.anyMatch(f -> f.toString().endsWith("-all.jar")),
                    "skipped: taskhive-cli is not packaged yet (./mvnw verify packages it before these tests)");
        }
        return Path.of("..", "taskhive-cli", "taskhive");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
