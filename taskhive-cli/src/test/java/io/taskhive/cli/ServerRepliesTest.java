package io.taskhive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/**
 * The client's side of what a gateway answers, over REST and over the TCP dialect, against fakes
 * that answer as scripted: which exit code and message each refusal becomes, what is printed for a
 * task, and what is sent.
 */
class ServerRepliesTest {

    private static final String TASK = "{\"id\":\"t-1\",\"type\":\"uppercase\",\"status\":\"%s\",\"result\":%s,\"error\":%s}";

    @TempDir
    Path config;

    private CliRun run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--config-dir=" + config;
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    private void loggedIn() throws Exception {
        new TokenStore(config).write("the-token");
    }

    @ParameterizedTest
    @CsvSource({
            "unauthorized, 3", "forbidden, 3", "not_found, 4", "unavailable, 6", "too_many_connections, 6",
            "idle_timeout, 6", "invalid_payload, 5", "rate_limited, 5"})
    void eachServerErrorCodeHasItsExitCode(String code, int exit) {
        CliException e = CliException.fromServer(code, "what the server said");
        assertThat(e.exitCode()).isEqualTo(exit);
        assertThat(e.getMessage()).isEqualTo("what the server said (" + code + ")");
    }

    @ParameterizedTest
    @CsvSource({"401, 3, unauthorized", "403, 3, forbidden", "404, 4, not_found", "409, 5, refused",
            "429, 5, refused", "503, 6, unavailable", "504, 6, unavailable"})
    void anHttpRefusalEndsInItsExitCodeWithTheProblemsDetail(int status, int exit, String code) throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("GET /api/tasks/t-1", status, "{\"detail\":\"as the gateway put it\"}");
            CliRun get = run("--http=" + gateway.url(), "get", "t-1");
            assertThat(get.exit()).isEqualTo(exit);
            assertThat(get.err().strip()).isEqualTo("taskhive: as the gateway put it (" + code + ")");
        }
    }

    @Test
    void aReplyThatIsNotJsonIsNotTakenForAGateway() throws Exception {
        loggedIn();
        try (FakeServers.Http other = new FakeServers.Http()) {
            other.reply("GET /api/tasks/t-1", 200, "<html>hello</html>").reply("GET /api/tasks/t-2", 502, "Bad Gateway");
            CliRun page = run("--http=" + other.url(), "get", "t-1");
            assertThat(page.exit()).isEqualTo(8);
            assertThat(page.err()).contains("HTTP 200 without a JSON body; is " + other.url() + " a taskhive gateway?");
            // a proxy in front of a gateway that is down: worth retrying, so "unavailable"
            assertThat(run("--http=" + other.url(), "get", "t-2").exit()).isEqualTo(6);
        }
    }

    @Test
    void aTaskIsOneLineWithItsResultOrErrorOrTheGatewaysJson() throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("GET /api/tasks/t-1", 200, TASK.formatted("SUCCEEDED", "{\"text\":\"HOLA\"}", "null"))
                    .reply("GET /api/tasks/t-2", 200, TASK.formatted("FAILED", "null", "\"boom\""))
                    .reply("GET /api/tasks/t-3", 200, "{\"id\":\"t-3\",\"type\":\"sleep\",\"status\":\"QUEUED\"}");
            assertThat(run("--http=" + gateway.url() + "/", "get", "t-1").out())
                    .isEqualTo("t-1  uppercase  SUCCEEDED  {\"text\":\"HOLA\"}" + System.lineSeparator());
            assertThat(run("--http=" + gateway.url(), "get", "t-2").out().strip()).isEqualTo("t-1  uppercase  FAILED  error: boom");
            assertThat(run("--http=" + gateway.url(), "get", "t-3").out().strip()).isEqualTo("t-3  sleep  QUEUED");
            JsonNode json = TaskhiveCli.JSON.readTree(run("--http=" + gateway.url(), "--json", "get", "t-1").out());
            assertThat(json.get("result").get("text").stringValue()).isEqualTo("HOLA");
            assertThat(gateway.received).allSatisfy(request -> assertThat(request.header("Authorization"))
                    .isEqualTo("Bearer the-token"));
        }
    }

    @Test
    void submitWithWaitExitsByTheOutcome() throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("POST /api/tasks", 202, TASK.formatted("FAILED", "null", "\"boom\""));
            assertThat(run("--http=" + gateway.url(), "submit", "-t", "uppercase", "-c", "x", "--wait=5").exit())
                    .as("ended other than SUCCEEDED").isEqualTo(1);
            assertThat(run("--http=" + gateway.url(), "submit", "-t", "uppercase", "-c", "x").exit())
                    .as("not waiting: accepted is done").isZero();

            gateway.reply("POST /api/tasks", 202, TASK.formatted("RUNNING", "null", "null"))
                    .reply("GET /api/tasks/t-1", 200, TASK.formatted("RUNNING", "null", "null"));
            long started = System.nanoTime();
            CliRun unfinished = run("--http=" + gateway.url(), "submit", "-t", "sleep", "-c", "9", "--wait=1");
            assertThat(unfinished.exit()).as("still running when --wait ran out").isEqualTo(7);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(gateway.received.stream().filter(r -> r.method().equals("GET")).count())
                    .as("polled while waiting").isGreaterThan(1);

            gateway.reply("POST /api/tasks", 202, TASK.formatted("SUCCEEDED", "{\"text\":\"X\"}", "null"));
            assertThat(run("--http=" + gateway.url(), "submit", "-t", "uppercase", "-c", "x", "--wait").exit()).isZero();
        }
    }

    @Test
    void whatSubmitSendsOverHttp() throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("POST /api/tasks", 202, TASK.formatted("QUEUED", "null", "null"));
            run("--http=" + gateway.url(), "submit", "-t", "2", "-c", "abc", "--idempotency-key", "k-1");
            run("--http=" + gateway.url(), "submit", "-t", "sleep", "--payload", "{\"seconds\":3}");
            FakeServers.Request byContent = gateway.received.get(0);
            assertThat(TaskhiveCli.JSON.readTree(byContent.body()))
                    .isEqualTo(TaskhiveCli.JSON.readTree("{\"type\":\"2\",\"content\":\"abc\"}"));
            assertThat(byContent.header("Idempotency-Key")).isEqualTo("k-1");
            FakeServers.Request byPayload = gateway.received.get(1);
            assertThat(TaskhiveCli.JSON.readTree(byPayload.body()))
                    .isEqualTo(TaskhiveCli.JSON.readTree("{\"type\":\"sleep\",\"payload\":{\"seconds\":3}}"));
            assertThat(byPayload.header("Idempotency-Key")).isNull();
        }
    }

    @Test
    void listAndGetPutTheirArgumentsInTheUrlEncoded() throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("GET /api/tasks?page=2&size=5&status=RUNNING&type=word_count", 200,
                    "{\"items\":[{\"id\":\"a\",\"type\":\"word_count\",\"status\":\"RUNNING\"}],\"totalItems\":11}");
            CliRun list = run("--http=" + gateway.url(), "list", "--status=RUNNING", "--type=word_count", "--page=2",
                    "--size=5");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out().lines()).containsExactly("a  word_count  RUNNING", "11 task(s)");
            CliRun odd = run("--http=" + gateway.url(), "get", "a/../b c");
            assertThat(odd.exit()).isEqualTo(4);
            assertThat(gateway.received.getLast().path()).isEqualTo("/api/tasks/a%2F..%2Fb+c");
        }
    }

    @Test
    void loginKeepsTheTokenForTheNextCommands() throws Exception {
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("POST /api/auth/login", 200, "{\"token\":\"fresh-token\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
            CliRun login = run("--http=" + gateway.url(), "login", "-u", "ana", "-p", "a-password");
            assertThat(login.exit()).as(login.err()).isZero();
            assertThat(login.out().strip()).isEqualTo("logged in as ana until 2030-01-01T00:00:00Z");
            assertThat(new TokenStore(config).read()).isEqualTo("fresh-token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("token"))))
                    .isEqualTo("rw-------");
            assertThat(TaskhiveCli.JSON.readTree(gateway.received.getFirst().body()))
                    .isEqualTo(TaskhiveCli.JSON.readTree("{\"username\":\"ana\",\"password\":\"a-password\"}"));

            JsonNode json = TaskhiveCli.JSON.readTree(run("--http=" + gateway.url(), "--json", "login", "-u", "ana",
                    "-p", "a-password").out());
            assertThat(json.get("token_file").stringValue()).isEqualTo(config.resolve("token").toString());
            assertThat(json.has("token")).as("the token itself is not printed").isFalse();
        }
    }

    @Test
    void watchNeedsTheTcpConnection() throws Exception {
        loggedIn();
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            CliRun watch = run("--http=" + gateway.url(), "watch");
            assertThat(watch.exit()).isEqualTo(2);
            assertThat(watch.err()).contains("watch follows live updates over the TCP connection; drop --http");
            assertThat(gateway.received).isEmpty();
        }
    }

    @Test
    void overTcpEveryRequestCarriesTheTokenAndAnErrorReplyHasItsExitCode() throws Exception {
        try (FakeServers.Tcp gateway = new FakeServers.Tcp(line -> List.of(
                "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no task t-9\"}}"))) {
            try (TcpTaskhiveClient client = new TcpTaskhiveClient("127.0.0.1", gateway.port(), "tcp-token",
                    TaskhiveCli.JSON)) {
                assertThatThrownBy(() -> client.get("t-9")).isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(4);
                    assertThat(e.getMessage()).isEqualTo("no task t-9 (not_found)");
                });
            }
            assertThat(TaskhiveCli.JSON.readTree(gateway.received.getFirst()))
                    .isEqualTo(TaskhiveCli.JSON.readTree("{\"action\":\"get\",\"token\":\"tcp-token\",\"task_id\":\"t-9\"}"));
        }
    }

    @Test
    void overTcpTheWaitIsSentInSeconds() throws Exception {
        try (FakeServers.Tcp gateway = new FakeServers.Tcp(line -> List.of(
                "{\"ok\":true,\"task\":" + TASK.formatted("SUCCEEDED", "{\"text\":\"X\"}", "null") + "}"))) {
            try (TcpTaskhiveClient client = new TcpTaskhiveClient("127.0.0.1", gateway.port(), null, TaskhiveCli.JSON)) {
                JsonNode task = client.submit(new TaskToSubmit("uppercase", null, "x", "key-7", null, null, null),
                        Duration.ofMillis(2_500));
                assertThat(task.get("status").stringValue()).isEqualTo("SUCCEEDED");
            }
            JsonNode sent = TaskhiveCli.JSON.readTree(gateway.received.getFirst());
            assertThat(sent.get("wait").doubleValue()).isEqualTo(2.5);
            assertThat(sent.get("idempotency_key").stringValue()).isEqualTo("key-7");
            assertThat(sent.get("content").stringValue()).isEqualTo("x");
            assertThat(sent.has("token")).as("no token before login").isFalse();
        }
    }

    @Test
    void eventsThatArriveBeforeAReplyAreKeptForWatch() throws Exception {
        String running = "{\"event\":\"task\",\"task_id\":\"t-1\",\"type\":\"sleep\",\"status\":\"RUNNING\"}";
        String succeeded = "{\"event\":\"task\",\"task_id\":\"t-1\",\"type\":\"sleep\",\"status\":\"SUCCEEDED\"}";
        try (FakeServers.Tcp gateway = new FakeServers.Tcp(line -> line.contains("\"subscribe\"")
                ? List.of(running, "{\"ok\":true}", succeeded) : List.of())) {
            List<String> seen = new ArrayList<>();
            try (TcpTaskhiveClient client = new TcpTaskhiveClient("127.0.0.1", gateway.port(), "t", TaskhiveCli.JSON)) {
                client.watch(null, event -> {
                    seen.add(event.get("status").stringValue());
                    return !event.get("status").stringValue().equals("SUCCEEDED");
                });
            }
            assertThat(seen).containsExactly("RUNNING", "SUCCEEDED");
        }
    }

    @Test
    void aTcpPeerThatIsNotAGatewayOrHangsUpIsReportedAsSuch() throws Exception {
        try (FakeServers.Tcp other = new FakeServers.Tcp(line -> List.of("SSH-2.0-OpenSSH_9.6"))) {
            try (TcpTaskhiveClient client = new TcpTaskhiveClient("127.0.0.1", other.port(), "t", TaskhiveCli.JSON)) {
                assertThatThrownBy(() -> client.get("x")).isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(8);
                    assertThat(e.getMessage()).contains("the server's reply is not JSON").contains("a taskhive gateway?");
                });
            }
        }
        try (FakeServers.Tcp closing = new FakeServers.Tcp(line -> null)) {
            try (TcpTaskhiveClient client = new TcpTaskhiveClient("127.0.0.1", closing.port(), "t", TaskhiveCli.JSON)) {
                assertThatThrownBy(() -> client.get("x")).isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(6);
                    assertThat(e.getMessage()).startsWith("connection lost");
                });
            }
        }
    }
}
