package io.taskhive.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The menu the seeds' clients offered, on top of the same commands: pick a number, answer the
 * prompts. Reads plain lines, so it can be driven from a script through standard input too.
 */
final class InteractiveMenu {

    private final TaskhiveCli cli;
    private final BufferedReader in;
    private final PrintWriter out;

    InteractiveMenu(TaskhiveCli cli, BufferedReader in, PrintWriter out) {
        this.cli = cli;
        this.in = in;
        this.out = out;
    }

    int run() throws IOException {
        while (true) {
            out.println();
            out.println("1) register  2) login  3) submit  4) list  5) get  6) cancel  0) exit");
            out.print("> ");
            out.flush();
            String choice = in.readLine();
            if (choice == null || choice.trim().equals("0")) {
                return 0;
            }
            try {
                switch (choice.trim()) {
                    case "1" -> run("register", "-u", ask("username"), "-p", askPassword());
                    case "2" -> run("login", "-u", ask("username"), "-p", askPassword());
                    case "3" -> run("submit", "--type", ask("type (uppercase, reverse, word_count, sleep, named or 1-4)"),
                            "--content", ask("content"), "--wait", "60");
                    case "4" -> run("list");
                    case "5" -> run("get", ask("task id"));
                    case "6" -> run("cancel", ask("task id"));
                    default -> out.println("choose 0 to 6");
                }
            } catch (EndOfInput e) {
                return 0;
            }
        }
    }

    private void run(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>();
        all.add("--host=" + cli.host);
        all.add("--port=" + cli.port);
        if (cli.httpUrl != null) {
            all.add("--http=" + cli.httpUrl);
        }
        if (cli.configDir != null) {
            all.add("--config-dir=" + cli.configDir);
        }
        if (cli.json) {
            all.add("--json");
        }
        all.addAll(java.util.List.of(args));
        picocli.CommandLine commandLine = new picocli.CommandLine(new TaskhiveCli()).setOut(out);
        commandLine.setErr(out);
        commandLine.setExecutionExceptionHandler(TaskhiveCli::report);
        commandLine.execute(all.toArray(String[]::new));
        out.flush();
    }

    /** On a terminal without echo; from a script, a plain line like every other answer. */
    private String askPassword() throws IOException {
        java.io.Console console = PasswordPrompt.terminal();
        if (console != null) {
            char[] typed = console.readPassword("password: ");
            if (typed == null) {
                throw new EndOfInput();
            }
            return new String(typed);
        }
        return ask("password");
    }

    private String ask(String prompt) throws IOException {
        out.print(prompt + ": ");
        out.flush();
        String answer = in.readLine();
        if (answer == null) {
            throw new EndOfInput();
        }
        return answer.trim();
    }

    private static final class EndOfInput extends RuntimeException {
        EndOfInput() {
            super(null, null, false, false);
        }
    }
}
