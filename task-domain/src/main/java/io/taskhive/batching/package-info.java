/**
 * Batching without waiting: requests that arrive while a batch is being written join the next one, so one
 * statement and one commit serve many tasks under load and a task alone is written at once.
 */
@NullMarked
package io.taskhive.batching;

import org.jspecify.annotations.NullMarked;
