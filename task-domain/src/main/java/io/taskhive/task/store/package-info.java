/**
 * The one owner of the {@code tasks} and {@code task_transitions} rows. Every status change is one guarded
 * statement here that checks the current status (the sets of {@link io.taskhive.task.TaskStatus}) and writes the
 * history row in the same statement; methods take and return records. {@link io.taskhive.task.store.TaskStore} has
 * what owners and admins do, {@link io.taskhive.task.store.AttemptStore} what workers do,
 * {@link io.taskhive.task.store.OutboxStore} the outbox marks, {@link io.taskhive.task.store.TaskFinder} the reads,
 * {@link io.taskhive.task.store.RetentionStore} the deletion of tasks finished long ago.
 */
@NullMarked
package io.taskhive.task.store;

import org.jspecify.annotations.NullMarked;
