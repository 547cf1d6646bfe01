package io.taskhive.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code taskhive} command. Talks to a gateway over TCP (native dialect) by default, or over
 * REST with {@code --http URL}. Without a subcommand it runs an interactive menu, like the seeds'
 * clients. Exit codes: 0 done; 1 the task ended other than SUCCEEDED; 2 bad usage;
 * 3 not logged in or token refused; 4 no such task; 5 refused by the server; 6 server unreachable;
 * 7 the task was still unfinished when {@code --wait} ran out; 8 an unexpected reply or error.
 */
@Command(name = "taskhive", mixinStandardHelpOptions = true, version = "taskhive 0.1",
        description = "Submit and follow tasks on a taskhive gateway.",
        subcommands = {TaskhiveCli.Register.class, TaskhiveCli.Login.class, TaskhiveCli.Submit.class,
                TaskhiveCli.Get.class, TaskhiveCli.ListTasks.class, TaskhiveCli.Cancel.class, TaskhiveCli.Watch.class,
                TaskhiveCli.Quotas.class, ScheduleCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the task ended other than SUCCEEDED", "2:bad usage",
                "3:not logged in, or the token was refused", "4:no such task (or schedule)", "5:refused by the server",
                "6:server unreachable", "7:the task was still unfinished when --wait ran out",
                "8:an unexpected reply or error"})
public final class TaskhiveCli implements Callable<Integer> {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "DEAD");

    @Option(names = "--host", defaultValue = "${env:TASKHIVE_HOST:-localhost}", description = "gateway host (TCP)")
    String host;

    @Option(names = "--port", defaultValue = "${env:TASKHIVE_PORT:-5000}", description = "gateway TCP port")
    int port;

    @Option(names = "--http", description = "use the REST API at this URL instead of TCP, e.g. http://localhost:8080")
    String httpUrl;

    @Option(names = "--json", description = "print JSON, for scripts")
    boolean json;

    @Option(names = "--config-dir", description = "where the login token is kept (default: ~/.config/taskhive)")
    Path configDir;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new TaskhiveCli());
        commandLine.setExecutionExceptionHandler(TaskhiveCli::report);
        return commandLine.execute(args);
    }

    /** Every failure ends as one line on standard error and a documented exit code, never a stack trace. */
    static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        if (e instanceof CliException cli) {
            command.getErr().println("taskhive: " + cli.getMessage());
            return cli.exitCode();
        }
        command.getErr().println("taskhive: unexpected error: " + e);
        return CliException.UNEXPECTED;
    }

    TokenStore tokens() {
        return new TokenStore(configDir == null ? TokenStore.defaultConfigDir() : configDir);
    }

    TaskhiveClient client(boolean authenticated) {
        String token = null;
        if (authenticated) {
            token = tokens().read();
            if (token == null) {
                throw new CliException(CliException.UNAUTHORIZED, "not logged in: run taskhive login first");
            }
        }
        return httpUrl != null ? new HttpTaskhiveClient(httpUrl, token, JSON) : new TcpTaskhiveClient(host, port, token, JSON);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printTask(JsonNode task) {
        if (json) {
            out().println(task);
            return;
        }
        StringBuilder line = new StringBuilder(task.path("id").asString()).append("  ")
                .append(task.path("type").asString()).append("  ").append(task.path("status").asString());
        if (!task.path("result").isMissingNode() && !task.path("result").isNull()) {
            line.append("  ").append(task.get("result"));
        }
        if (!task.path("error").isMissingNode() && !task.path("error").isNull()) {
            line.append("  error: ").append(task.get("error").asString());
        }
        if (task.path("priority").asInt(0) > 0) {
            line.append("  priority ").append(task.get("priority").asInt());
        }
        if (task.path("status").asString().equals("SCHEDULED")) {
            line.append("  runs at ").append(task.path("runAt").asString());
        }
        out().println(line);
    }

    /** Without a subcommand: the interactive menu. */
    @Override
    public Integer call() throws Exception {
        return new InteractiveMenu(this, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                out()).run();
    }

    @Command(name = "register", description = "Create an account.")
    static final class Register implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Option(names = {"-u", "--username"}, required = true) String username;
        @Option(names = {"-p", "--password"}, description = "at least 8 characters; without it: TASKHIVE_PASSWORD, "
                + "else asked") String password;

        @Override
        public Integer call() {
            String secret = PasswordPrompt.password(password);
            try (TaskhiveClient client = cli.client(false)) {
                JsonNode user = client.register(username, secret);
                cli.out().println(cli.json ? user.toString() : "registered " + user.path("username").asString());
                return 0;
            }
        }
    }

    @Command(name = "login", description = "Log in and keep the token (file mode 0600) for the other commands.")
    static final class Login implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Option(names = {"-u", "--username"}, required = true) String username;
        @Option(names = {"-p", "--password"}, description = "without it: TASKHIVE_PASSWORD, else asked") String password;

        @Override
        public Integer call() {
            String secret = PasswordPrompt.password(password);
            try (TaskhiveClient client = cli.client(false)) {
                JsonNode reply = client.login(username, secret);
                TokenStore store = cli.tokens();
                store.write(reply.get("token").asString());
                cli.out().println(cli.json ? JSON.createObjectNode().put("token_file", store.file().toString())
                        .put("expiresAt", reply.path("expiresAt").asString()).toString()
                        : "logged in as " + username + " until " + reply.path("expiresAt").asString());
                return 0;
            }
        }
    }

    @Command(name = "submit", description = "Submit a task, e.g. submit --type uppercase --content \"hola mundo\".")
    static final class Submit implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Option(names = {"-t", "--type"}, required = true, description = "uppercase, reverse, word_count, sleep, named, prime_count, report, or 1..4")
        String type;
        @Option(names = {"-c", "--content"}, description = "the text (or the seconds, or the name)") String content;
        @Option(names = "--payload", description = "the payload as JSON, e.g. {\"text\":\"hola\"}") String payload;
        @Option(names = {"-w", "--wait"}, arity = "0..1", fallbackValue = "60",
                description = "wait for the outcome, up to this many seconds (default 60)") Integer waitSeconds;
        @Option(names = "--idempotency-key", description = "the same key returns the same task") String idempotencyKey;
        @Option(names = "--at", description = "run it at this time (ISO-8601, e.g. 2026-12-01T09:00:00Z); "
                + "SCHEDULED until then") String runAt;
        @Option(names = "--delay", description = "run it this long from now: 30s, 5m, 2h, PT90S or seconds")
        String delay;
        @Option(names = {"-P", "--priority"}, description = "0 (default) to 9: higher ones go first while tasks wait")
        Integer priority;

        @Override
        public Integer call() {
            if ((content == null) == (payload == null)) {
                throw new CliException(2, "give either --content or --payload");
            }
            if (runAt != null && delay != null) {
                throw new CliException(2, "give either --at or --delay");
            }
            JsonNode parsedPayload;
            try {
                parsedPayload = payload == null ? null : JSON.readTree(payload);
            } catch (RuntimeException e) {
                throw new CliException(2, "--payload is not valid JSON");
            }
            Duration wait = Duration.ofSeconds(waitSeconds == null ? 0 : waitSeconds);
            try (TaskhiveClient client = cli.client(true)) {
                JsonNode task = client.submit(new TaskToSubmit(type, parsedPayload, content, idempotencyKey, runAt,
                        delay, priority), wait);
                cli.printTask(task);
                if (wait.isZero()) {
                    return 0;
                }
                String status = task.path("status").asString();
                return status.equals("SUCCEEDED") ? 0
                        : FINAL.contains(status) ? CliException.TASK_NOT_SUCCEEDED : CliException.STILL_RUNNING;
            }
        }
    }

    @Command(name = "get", description = "Show one task with its result; with --output, save its result file.")
    static final class Get implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Parameters(paramLabel = "TASK_ID") String taskId;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "save the task's result file (e.g. a report's CSV) here, checked against its SHA-256")
        Path output;

        @Override
        public Integer call() {
            try (TaskhiveClient client = cli.client(true)) {
                if (output == null) {
                    cli.printTask(client.get(taskId));
                    return 0;
                }
                TaskhiveClient.ResultFile file = client.resultFile(taskId);
                String sha256 = sha256(file.content());
                if (!file.sha256().isEmpty() && !file.sha256().equalsIgnoreCase(sha256)) {
                    throw new CliException(CliException.UNAVAILABLE, "the download does not match its SHA-256 "
                            + file.sha256() + "; nothing saved");
                }
                try {
                    java.nio.file.Files.write(output, file.content());
                } catch (java.io.IOException e) {
                    throw new CliException(CliException.REFUSED, "cannot write " + output + ": " + e.getMessage());
                }
                cli.out().println("saved " + file.content().length + " bytes to " + output + " (sha256 " + sha256 + ")");
                return 0;
            }
        }

        private static String sha256(byte[] content) {
            try {
                return java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(content));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "list", description = "Your tasks, newest first.")
    static final class ListTasks implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Option(names = "--status") String status;
        @Option(names = "--type") String type;
        @Option(names = "--page", defaultValue = "0") int page;
        @Option(names = "--size", defaultValue = "20") int size;

        @Override
        public Integer call() {
            try (TaskhiveClient client = cli.client(true)) {
                JsonNode result = client.list(status, type, page, size);
                if (cli.json) {
                    cli.out().println(result);
                } else {
                    result.path("items").forEach(cli::printTask);
                    cli.out().println(result.path("totalItems").asLong() + " task(s)");
                }
                return 0;
            }
        }
    }

    @Command(name = "cancel", description = "Cancel a task that has not finished.")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Parameters(paramLabel = "TASK_ID") String taskId;

        @Override
        public Integer call() {
            try (TaskhiveClient client = cli.client(true)) {
                cli.printTask(client.cancel(taskId));
                return 0;
            }
        }
    }

    @Command(name = "quotas", description = "Your limits: tasks running at once and tasks waiting, and your counts.")
    static final class Quotas implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;

        @Override
        public Integer call() {
            try (TaskhiveClient client = cli.client(true)) {
                JsonNode quotas = client.quotas();
                cli.out().println(cli.json ? quotas.toString()
                        : "running " + quotas.path("running").asLong() + " of at most " + quotas.path("maxRunning").asInt()
                                + "; waiting " + quotas.path("waiting").asLong() + " of at most "
                                + quotas.path("maxQueued").asInt());
                return 0;
            }
        }
    }

    @Command(name = "watch", description = "Follow your tasks' status changes live (until Ctrl-C, or until TASK_ID finishes).")
    static final class Watch implements Callable<Integer> {
        @ParentCommand TaskhiveCli cli;
        @Parameters(paramLabel = "TASK_ID", arity = "0..1") String taskId;

        @Override
        public Integer call() {
            try (TaskhiveClient client = cli.client(true)) {
                client.watch(taskId, event -> {
                    boolean ours = taskId == null || taskId.equals(event.path("task_id").asString());
                    if (ours) {
                        cli.out().println(cli.json ? event.toString() : event.path("task_id").asString() + "  "
                                + event.path("type").asString() + "  " + event.path("status").asString());
                        cli.out().flush();
                    }
                    return !(taskId != null && ours && FINAL.contains(event.path("status").asString()));
                });
                return 0;
            }
        }
    }
}
