/**
 * Running one task message to its outcome: claim, run under the timeout, record (guarded by the attempt number),
 * announce; acknowledged only once the outcome is committed; drained on shutdown.
 */
package io.taskhive.worker.execution;
