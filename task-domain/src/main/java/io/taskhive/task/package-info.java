/**
 * Tasks as both services understand them: the lifecycle ({@link io.taskhive.task.TaskStatus}), the stored task
 * and its history as records, the task types with their payload validation and schemas, and the retry policy.
 */
@NullMarked
package io.taskhive.task;

import org.jspecify.annotations.NullMarked;
