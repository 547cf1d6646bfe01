package io.taskhive.task.store;

import java.util.UUID;

/**
 * A worker asks to run a task ({@link AttemptStore#claim}).
 *
 * @param takeOver the broker redelivered the message because its previous holder's channel closed:
 *                 a RUNNING task may be taken from a holder that is no longer alive
 */
public record Claim(UUID taskId, boolean takeOver) {
}
