package io.taskhive.task;

/** A payload that a task type rejects; the message is meant for the client. */
public class InvalidPayloadException extends RuntimeException {

    public InvalidPayloadException(String message) {
        super(message);
    }
}
