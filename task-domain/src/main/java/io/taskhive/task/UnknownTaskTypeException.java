package io.taskhive.task;

/** A task type key (or seed-1 code) that no registered {@link TaskType} answers to. */
public class UnknownTaskTypeException extends RuntimeException {

    public UnknownTaskTypeException(String requested, java.util.Collection<String> known) {
        super("unknown task type '" + requested + "'; known types: " + String.join(", ", known));
    }
}
