/**
 * The worker: consumes task messages, runs each task on a virtual thread and records every status change; any
 * number of replicas share the queue.
 */
package io.taskhive.worker;
