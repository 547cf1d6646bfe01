package io.taskhive.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Where a password comes from when {@code -p} is not given (a password on the command line is
 * visible to every user of the machine): {@code TASKHIVE_PASSWORD}, else asked on the terminal
 * without echo, else the first line of standard input (for scripts).
 */
final class PasswordPrompt {

    private PasswordPrompt() {
    }

    /**
     * The console if standard input and output are a terminal. Since JDK 22 System.console() also
     * answers when they are redirected; Console.isTerminal() (JDK 22+) tells, looked up by reflection
     * because this code is built for JDK 21.
     */
    static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console; // JDK 21: non-null means a terminal
        }
    }

    static String password(String given) {
        if (given != null) {
            return given;
        }
        String fromEnvironment = System.getenv("TASKHIVE_PASSWORD");
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Console console = terminal();
        if (console != null) {
            char[] typed = console.readPassword("password: ");
            if (typed == null) {
                throw new CliException(2, "no password given");
            }
            return new String(typed);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CliException(2, "no password: give -p, set TASKHIVE_PASSWORD or type it on standard input");
            }
            return line;
        } catch (IOException e) {
            throw new CliException(2, "cannot read the password: " + e.getMessage());
        }
    }
}
