package io.taskhive.task;

/** A payload that a task type rejects; the message is meant for the client. Never retried. */
public class InvalidPayloadException extends PermanentTaskFailure {

    public InvalidPayloadException(String message) {
        super(message);
    }
}
