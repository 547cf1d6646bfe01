package io.taskhive.messaging;

/** A message no worker can ever process; it is parked on the dead-letter queue with this reason. */
public class PoisonMessageException extends RuntimeException {

    public PoisonMessageException(String reason) {
        super(reason);
    }
}
