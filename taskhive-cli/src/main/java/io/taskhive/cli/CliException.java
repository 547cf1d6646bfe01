package io.taskhive.cli;

/** A failure the command reports with a message and a documented exit code. */
final class CliException extends RuntimeException {

    static final int TASK_NOT_SUCCEEDED = 1;
    static final int UNAUTHORIZED = 3;
    static final int NOT_FOUND = 4;
    static final int REFUSED = 5;
    static final int UNAVAILABLE = 6;
    static final int STILL_RUNNING = 7;
    static final int UNEXPECTED = 8;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** From a server error code (the native dialect's, or an HTTP status's equivalent). */
    static CliException fromServer(String code, String message) {
        int exit = switch (code) {
            case "unauthorized", "forbidden" -> UNAUTHORIZED;
            case "not_found" -> NOT_FOUND;
            case "unavailable", "too_many_connections", "idle_timeout" -> UNAVAILABLE;
            default -> REFUSED;
        };
        return new CliException(exit, message + " (" + code + ")");
    }
}
