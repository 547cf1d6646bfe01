package io.taskhive.task.store;

/**
 * One owner's tasks against their limits ({@link DispatchStore#ownerLoad}).
 *
 * @param maxRunning their limit of tasks running (or published to run)
 * @param maxQueued  their limit of tasks waiting
 * @param inFlight   their tasks running, or published and not started
 * @param waiting    their tasks SCHEDULED, QUEUED or RETRYING
 */
public record OwnerLoad(int maxRunning, int maxQueued, long inFlight, long waiting) {
}
