package io.taskhive.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/** The menu as a script drives it through standard input (its end included). */
class InteractiveMenuTest {

    @TempDir
    Path config;

    private String menu(TaskhiveCli cli, String input) throws Exception {
        StringWriter out = new StringWriter();
        int exit = new InteractiveMenu(cli, new BufferedReader(new StringReader(input)), new PrintWriter(out)).run();
        assertThat(exit).isZero();
        return out.toString();
    }

    private TaskhiveCli cli(String httpUrl) {
        TaskhiveCli cli = new TaskhiveCli();
        cli.host = "127.0.0.1";
        cli.port = 1;
        cli.httpUrl = httpUrl;
        cli.configDir = config;
        return cli;
    }

    @Test
    void anUnknownChoiceAsksAgainAndZeroOrTheEndOfInputLeaves() throws Exception {
        String out = menu(cli(null), "9\n 0 \n4\n");
        assertThat(out).contains("choose 0 to 6");
        assertThat(out).as("nothing after 0").doesNotContain("not logged in");
        assertThat(menu(cli(null), "")).contains("1) register");
    }

    @Test
    void inputEndingInTheMiddleOfAPromptLeavesQuietly() throws Exception {
        String out = menu(cli(null), "2\nsomeone\n");
        assertThat(out).contains("username: ").contains("password: ").doesNotContain("Exception");
    }

    @Test
    void aFailingChoiceIsReportedAndTheMenuGoesOn() throws Exception {
        String out = menu(cli(null), "4\n9\n0\n");
        assertThat(out).contains("taskhive: not logged in: run taskhive login first").contains("choose 0 to 6");
    }

    @Test
    void eachChoiceRunsItsCommandWithTheMenusOwnSettings() throws Exception {
        try (FakeServers.Http gateway = new FakeServers.Http()) {
            gateway.reply("POST /api/auth/register", 201, "{\"username\":\"ana\",\"id\":1}")
                    .reply("POST /api/auth/login", 200, "{\"token\":\"menu-token\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}")
                    .reply("POST /api/tasks", 202, "{\"id\":\"t-1\",\"type\":\"reverse\",\"status\":\"SUCCEEDED\","
                            + "\"result\":{\"text\":\"aloh\"}}");
            String out = menu(cli(gateway.url()), "1\n ana \npassword-1\n2\nana\npassword-1\n3\nreverse\nhola\n0\n");
            assertThat(out).contains("registered ana").contains("logged in as ana")
                    .contains("t-1  reverse  SUCCEEDED  {\"text\":\"aloh\"}");
            assertThat(new TokenStore(config).read()).as("kept in the menu's --config-dir").isEqualTo("menu-token");
            JsonNode submitted = TaskhiveCli.JSON.readTree(gateway.received.getLast().body());
            assertThat(submitted.get("type").stringValue()).isEqualTo("reverse");
            assertThat(submitted.get("content").stringValue()).isEqualTo("hola");
            assertThat(TaskhiveCli.JSON.readTree(gateway.received.getFirst().body()).get("username").stringValue())
                    .as("answers are trimmed").isEqualTo("ana");
        }
    }
}
