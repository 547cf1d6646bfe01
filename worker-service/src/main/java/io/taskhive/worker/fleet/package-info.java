/**
 * This replica among the others: its identity, its heartbeat, and the sweep that moves on the tasks of replicas
 * that stopped responding.
 */
package io.taskhive.worker.fleet;
