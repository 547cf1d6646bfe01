package io.taskhive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * What the command decides before any server is asked: the options it accepts, their defaults, and
 * the usage errors it reports with exit code 2 (or 3 when no one is logged in) as one line, never a
 * stack trace.
 */
class TaskhiveCliTest {

    @TempDir
    Path config;

    private CliRun run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--config-dir=" + config;
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    @Test
    void helpListsEverySubcommandAndTheDocumentedExitCodes() {
        CliRun help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("register", "login", "submit", "get", "list", "cancel", "watch")
                .contains("Exit codes:").contains("3", "not logged in, or the token was refused")
                .contains("7", "still unfinished when --wait ran out");
    }

    @Test
    void aMissingRequiredOptionIsAUsageErrorNamingIt() {
        CliRun submit = run("submit", "--content", "hola");
        assertThat(submit.exit()).isEqualTo(2);
        assertThat(submit.err()).contains("Missing required option").contains("--type");
        CliRun login = run("login", "-p", "secret-password");
        assertThat(login.exit()).isEqualTo(2);
        assertThat(login.err()).contains("--username");
    }

    @Test
    void anUnknownSubcommandOrAMalformedPortIsAUsageError() {
        CliRun unknown = run("shout");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("shout");
        CliRun port = run("--port=five", "list");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--port").contains("five");
    }

    @Test
    void submitTakesExactlyOneOfContentAndPayload() {
        CliRun neither = run("submit", "-t", "uppercase");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err().strip()).isEqualTo("taskhive: give either --content or --payload");
        CliRun both = run("submit", "-t", "uppercase", "-c", "hola", "--payload", "{\"text\":\"hola\"}");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("give either --content or --payload");
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedBeforeAnythingIsSent() {
        CliRun bad = run("--port=1", "submit", "-t", "uppercase", "--payload", "{\"text\": ");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("taskhive: --payload is not valid JSON");
    }

    @Test
    void commandsThatNeedATokenSayHowToGetOneWithoutCallingTheServer() {
        // --port=1: nothing listens there, so reaching the server would end in exit code 6 instead
        for (String[] command : new String[][] {{"list"}, {"get", "some-id"}, {"cancel", "some-id"}, {"watch"},
                {"submit", "-t", "uppercase", "-c", "hola"}}) {
            String[] args = new String[command.length + 1];
            args[0] = "--port=1";
            System.arraycopy(command, 0, args, 1, command.length);
            CliRun run = run(args);
            assertThat(run.exit()).as(String.join(" ", command)).isEqualTo(3);
            assertThat(run.err().strip()).isEqualTo("taskhive: not logged in: run taskhive login first");
            assertThat(run.err()).doesNotContain("Exception");
        }
    }

    @Test
    void anUnreachableServerIsExitCodeSixWithTheAddressInTheMessage() throws Exception {
        Files.writeString(config.resolve("token"), "a-token");
        CliRun tcp = run("--host=127.0.0.1", "--port=" + FakeServers.closedPort(), "list");
        assertThat(tcp.exit()).isEqualTo(6);
        assertThat(tcp.err()).startsWith("taskhive: cannot connect to 127.0.0.1:");
        CliRun http = run("--http=http://127.0.0.1:" + FakeServers.closedPort(), "list");
        assertThat(http.exit()).isEqualTo(6);
        assertThat(http.err()).startsWith("taskhive: cannot reach http://127.0.0.1:");
    }

    @Test
    void waitWithoutAValueMeansSixtySecondsAndWithoutTheOptionNoWaiting() {
        assertThat(submitOptions("--wait").waitSeconds).isEqualTo(60);
        assertThat(submitOptions("--wait=5").waitSeconds).isEqualTo(5);
        assertThat(submitOptions("-w", "7").waitSeconds).isEqualTo(7);
        assertThat(submitOptions().waitSeconds).isNull();
    }

    @Test
    void withoutOptionsTheGatewayIsTheLocalTcpPort5000() {
        assumeTrue(System.getenv("TASKHIVE_HOST") == null && System.getenv("TASKHIVE_PORT") == null,
                "TASKHIVE_HOST/PORT set in this environment");
        TaskhiveCli cli = new TaskhiveCli();
        new CommandLine(cli).parseArgs("list");
        assertThat(cli.host).isEqualTo("localhost");
        assertThat(cli.port).isEqualTo(5000);
        assertThat(cli.httpUrl).isNull();
        assertThat(cli.json).isFalse();
    }

    private static TaskhiveCli.Submit submitOptions(String... waitOptions) {
        String[] args = new String[4 + waitOptions.length];
        args[0] = "submit";
        args[1] = "-t";
        args[2] = "uppercase";
        args[3] = "--content=hola";
        System.arraycopy(waitOptions, 0, args, 4, waitOptions.length);
        CommandLine.ParseResult parsed = new CommandLine(new TaskhiveCli()).parseArgs(args);
        return (TaskhiveCli.Submit) parsed.subcommand().commandSpec().userObject();
    }
}
