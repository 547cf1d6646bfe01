/**
 * The worker replicas as their heartbeats describe them (the {@code workers} rows): written by workers, read by
 * admins and by the orphan sweeper's statement.
 */
@NullMarked
package io.taskhive.fleet;

import org.jspecify.annotations.NullMarked;
