package io.taskhive.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** One invocation of the command in this JVM, wired as {@link TaskhiveCli#execute} wires it, output captured. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new TaskhiveCli()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler(TaskhiveCli::report);
        int exit = commandLine.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
