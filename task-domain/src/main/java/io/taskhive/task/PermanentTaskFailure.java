package io.taskhive.task;

/**
 * Thrown by a running task when trying again cannot help (bad input discovered late): the task
 * ends FAILED at once instead of being retried.
 */
public class PermanentTaskFailure extends RuntimeException {

    public PermanentTaskFailure(String message) {
        super(message);
    }
}
