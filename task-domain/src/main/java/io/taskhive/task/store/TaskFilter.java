package io.taskhive.task.store;

import org.jspecify.annotations.Nullable;

import io.taskhive.task.TaskStatus;

/**
 * Which tasks a listing or a bulk change covers; a null field does not filter.
 *
 * @param ownerId only this user's tasks
 */
public record TaskFilter(@Nullable Long ownerId, @Nullable TaskStatus status, @Nullable String type) {
}
