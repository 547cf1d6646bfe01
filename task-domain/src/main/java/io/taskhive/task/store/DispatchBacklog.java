package io.taskhive.task.store;

/**
 * How far the workers are behind ({@link DispatchStore#backlog}).
 *
 * @param anyHeld    some task is stored but held back for a dispatch round
 * @param dispatched tasks published and not started yet
 */
public record DispatchBacklog(boolean anyHeld, long dispatched) {
}
